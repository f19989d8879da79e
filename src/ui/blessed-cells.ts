/**
 * A blessed screen keeps two pictures of the terminal, `lines` (what the next draw should show)
 * and `olines` (what the terminal shows now), each a row array of [attr, ch] cells: on a 120×40
 * screen that is 9,600 two-element arrays, made again at every window-change. On a teleconference
 * screen almost all of them are thrown away unread: the row painter puts shared encoded rows in
 * place of the log, title and input rows at the first frame, and blessed itself draws only the
 * status line. Making them was a third of a login's screen set-up (~1.3 ms, and the collection
 * after it), and most of what a resize allocated.
 *
 * So a blank row is one frozen row per width, shared by every screen, in both pictures, and a row
 * becomes the screen's own (a fresh row of blank cells) just before blessed writes into it:
 *   - an element is about to draw (its coordinates are worked out first, in `_getCoords`): the
 *     rows it covers, and two more below when it has a shadow;
 *   - a region is filled or cleared (`fillRegion`, also behind `clearRegion`): its rows;
 *   - a draw updates `olines` where `lines` changed: the `olines` row of every row it draws,
 *     which only an own row can ask for (a frozen row cannot be marked dirty).
 * No other blessed code writes into a row it did not get from one of these. The row painter's
 * frozen rows are never turned into own rows here: no element may be placed over them.
 *
 * The arrays holding the rows are new at every alloc: the row painter takes a new array to mean
 * "the terminal was cleared".
 */
type Cell = [number, string];
type Row = Cell[] & { dirty?: boolean };
type ScreenLike = {
  dattr: number;
  rows: number;
  cols: number;
  lines: Row[];
  olines: Row[];
  program: { clear(): unknown };
  [CLOSING]?: true;
};
type ElementLike = { screen?: ScreenLike; shadow?: unknown };
type Coords = { yi: number; yl: number } | undefined;
type ScreenPrototype = Record<string, unknown> & {
  alloc: (this: ScreenLike, dirty?: boolean) => void;
  blankLine: (this: ScreenLike, ch?: string, dirty?: boolean) => Row;
  fillRegion: (this: ScreenLike, attr: number, ch: string, xi: number, xl: number, yi: number, yl: number, override?: boolean) => void;
  draw: (this: ScreenLike, start: number, end: number) => void;
};
type ElementPrototype = Record<string, unknown> & {
  _getCoords: (this: ElementLike, get?: boolean, noscroll?: boolean) => Coords;
};

/** Set on a screen about to be destroyed (see closing()). */
const CLOSING = Symbol('closing');

/** blessed's default attribute, `((0 << 18) | (0x1ff << 9)) | 0x1ff`: default colours, no flags. */
const DEFAULT_ATTR = 262143;

/** Rows rendered by blessed's own shadow below an element. */
const SHADOW_ROWS = 2;

const SHARED_CELL: Cell = Object.freeze([DEFAULT_ATTR, ' ']) as unknown as Cell;
/** The shared blank row of each width (a PTY is at most 500 columns wide: ~1 MB of rows at worst). */
const sharedRows = new Map<number, Row>();

function sharedBlankRow(cols: number): Row {
  let row = sharedRows.get(cols);
  if (!row) {
    row = Object.freeze(new Array<Cell>(cols).fill(SHARED_CELL)) as Row;
    sharedRows.set(cols, row);
  }
  return row;
}

/** Must stay a literal of constants: V8 then gives every blank cell one copy-on-write elements store. */
function blankCell(): Cell {
  return [262143, ' '];
}

function ownBlankRow(cols: number): Row {
  const row: Row = new Array<Cell>(cols);
  for (let x = 0; x < cols; x++) row[x] = blankCell();
  return row;
}

/** Rows `from` to `to` (exclusive) of `rows` made the screen's own where they are the shared blank row. */
function own(rows: Row[], from: number, to: number): void {
  const end = Math.min(to, rows.length);
  for (let y = Math.max(0, from); y < end; y++) {
    const row = rows[y]!;
    if (sharedRows.get(row.length) === row) rows[y] = ownBlankRow(row.length);
  }
}

/**
 * `screen` is about to be destroyed: blessed's destroy leaves the alternate screen through an
 * alloc, which clears the terminal and blanks both pictures. Nothing is drawn after it, so from
 * now on an alloc only clears the terminal.
 */
export function closing(screen: object): void {
  (screen as ScreenLike)[CLOSING] = true;
}

export function shareBlankCells(screenProto: ScreenPrototype, elementProto: ElementPrototype): void {
  const { alloc, blankLine, fillRegion, draw } = screenProto;
  screenProto.alloc = function allocShared(this: ScreenLike, dirty?: boolean) {
    if (this[CLOSING]) {
      [this.lines, this.olines] = [[], []];
      this.program.clear();
      return;
    }
    if (this.dattr !== DEFAULT_ATTR) return alloc.call(this, dirty);
    const blank = sharedBlankRow(this.cols);
    this.lines = [];
    this.olines = [];
    for (let y = 0; y < this.rows; y++) {
      // Only an own row can be marked for drawing.
      if (dirty) this.lines[y] = Object.assign(ownBlankRow(this.cols), { dirty: true });
      else this.lines[y] = blank;
      this.olines[y] = blank;
    }
    this.program.clear();
  };
  screenProto.blankLine = function blankLineOwn(this: ScreenLike, ch?: string, dirty?: boolean) {
    if (this.dattr !== DEFAULT_ATTR || (ch && ch !== ' ')) return blankLine.call(this, ch, dirty);
    const row = ownBlankRow(this.cols);
    row.dirty = dirty;
    return row;
  };
  screenProto.fillRegion = function fillRegionOwn(this: ScreenLike, attr, ch, xi, xl, yi, yl, override) {
    own(this.lines, yi, yl);
    return fillRegion.call(this, attr, ch, xi, xl, yi, yl, override);
  };
  screenProto.draw = function drawOwn(this: ScreenLike, start: number, end: number) {
    const { lines, olines } = this;
    for (let y = Math.max(0, start); y <= end && y < lines.length; y++) {
      if (lines[y]!.dirty) own(olines, y, y + 1);
    }
    return draw.call(this, start, end);
  };
  const getCoords = elementProto._getCoords;
  elementProto._getCoords = function getCoordsOwn(this: ElementLike, get?: boolean, noscroll?: boolean) {
    const coords = getCoords.call(this, get, noscroll);
    const lines = this.screen?.lines;
    if (coords && lines) own(lines, coords.yi, coords.yl + (this.shadow ? SHADOW_ROWS : 0));
    return coords;
  };
}
