/**
 * A blessed screen keeps two pictures of the terminal, `lines` (what the next draw should show)
 * and `olines` (what the terminal shows now), each a row array of [attr, ch] cells: on a 120×40
 * screen that is 9,600 two-element arrays, ~72 bytes each. Most of `olines` stays blank on an
 * idle screen (a cell is written only when the terminal's cell changes), so blank cells are made
 * from an array literal of constants: V8 then gives all of them one shared, copy-on-write
 * elements store, and a cell pays for its own (~32 bytes more) only once something is drawn in it.
 * The cells hold the same values as blessed's and behave the same when written.
 *
 * A re-layout (a window-change) allocates both pictures again, ~170 KB with its render on a
 * 120×40 screen and ~2.7 MB at the largest size, for every screen a caller resizes. So a
 * re-layout resets the rows and cells it already has in place, and allocates only for what the
 * screen grew by (113 KB and 1.7 MB then, the render's output being most of the rest). The
 * arrays holding the rows are still new ones: the row painter takes a new array to mean "the
 * terminal was cleared". Frozen rows and cells (shared encoded rows put in by the row painter)
 * are never written: they are replaced by blank ones.
 */
type ScreenLike = {
  dattr: number;
  rows: number;
  cols: number;
  lines?: Row[];
  olines?: Row[];
  program: { clear(): unknown };
  [CLOSING]?: true;
};
type Row = Array<[number, string]> & { dirty?: boolean };
type ScreenPrototype = Record<string, unknown> & {
  alloc: (this: ScreenLike, dirty?: boolean) => void;
  blankLine: (this: ScreenLike, ch?: string, dirty?: boolean) => Row;
};

/** Set on a screen about to be destroyed (see closing()). */
const CLOSING = Symbol('closing');

/** blessed's default attribute, `((0 << 18) | (0x1ff << 9)) | 0x1ff`: default colours, no flags. */
const DEFAULT_ATTR = 262143;

/** Must stay a literal of constants: that is what makes V8 share its elements. */
function blankCell(): [number, string] {
  return [262143, ' '];
}

function blankRow(cols: number): Row {
  const row: Row = [];
  for (let x = 0; x < cols; x++) row[x] = blankCell();
  return row;
}

/** `row` (when it is there and may be written) made blank and `cols` wide, else a new blank row. */
function reusedBlankRow(row: Row | undefined, cols: number): Row {
  if (!row || Object.isFrozen(row)) return blankRow(cols);
  if (row.length > cols) row.length = cols;
  for (let x = 0; x < row.length; x++) {
    const cell = row[x];
    if (!cell || Object.isFrozen(cell)) row[x] = blankCell();
    else {
      cell[0] = DEFAULT_ATTR;
      cell[1] = ' ';
    }
  }
  for (let x = row.length; x < cols; x++) row[x] = blankCell();
  return row;
}

/**
 * `screen` is about to be destroyed: blessed's destroy leaves the alternate screen through an
 * alloc, which clears the terminal and blanks both pictures (9,600 cells on a 120×40 screen).
 * Nothing is drawn after it, so from now on an alloc only clears the terminal.
 */
export function closing(screen: object): void {
  (screen as ScreenLike)[CLOSING] = true;
}

export function shareBlankCells(proto: ScreenPrototype): void {
  const alloc = proto.alloc;
  const blankLine = proto.blankLine;
  proto.alloc = function allocBlank(this: ScreenLike, dirty?: boolean) {
    if (this[CLOSING]) {
      [this.lines, this.olines] = [[], []];
      this.program.clear();
      return;
    }
    if (this.dattr !== DEFAULT_ATTR) return alloc.call(this, dirty);
    const [lines, olines] = [this.lines ?? [], this.olines ?? []];
    this.lines = [];
    for (let y = 0; y < this.rows; y++) {
      const row = reusedBlankRow(lines[y], this.cols);
      row.dirty = !!dirty;
      this.lines[y] = row;
    }
    this.olines = [];
    for (let y = 0; y < this.rows; y++) this.olines[y] = reusedBlankRow(olines[y], this.cols);
    this.program.clear();
  };
  proto.blankLine = function blankLineShared(this: ScreenLike, ch?: string, dirty?: boolean) {
    if (this.dattr !== DEFAULT_ATTR || (ch && ch !== ' ')) return blankLine.call(this, ch, dirty);
    const row = blankRow(this.cols);
    row.dirty = dirty;
    return row;
  };
}
