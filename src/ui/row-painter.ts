/**
 * Draws a band of rows of one blessed screen — the teleconference's log, its input line — from
 * encoded rows (log-rows.ts), and keeps blessed's picture of those rows (`screen.lines`, what it
 * will draw, and `screen.olines`, what the terminal shows) equal to what was drawn: both hold the
 * encoded row's own frozen cell array. blessed draws a row only when it is marked dirty, and then
 * only the cells where the two differ, so it never draws a painted row itself, and its next
 * render and damage diff stay right for the rows around them. The band belongs to its painter:
 * no blessed element may be placed over it (blessed would try to write into a frozen row, and
 * the element would not show).
 *
 * Two ways in: frame() inside a full render (the bytes go into blessed's own output buffer, at
 * the head of its draw), and scrollBytes()/bottomBytes()/commitBottom() for bytes shared by many
 * screens of one shape and written to their channels directly. Both rely on one fact: blessed
 * allocates new line arrays when the screen is cleared or resized, so a change of array means
 * the terminal no longer shows what was painted.
 */
import type { Cell, EncodedRow } from './log-rows.js';

type Row = readonly Cell[] & { dirty?: boolean };

/** The parts of a blessed screen the painter reads and writes (the typings leave them out). */
export interface PaintedScreen {
  lines: Row[];
  olines: Row[];
  _buf: string;
  tput: {
    strings: { change_scroll_region?: string; save_cursor?: string; restore_cursor?: string };
    csr(top: number, bottom: number): string;
    cup(y: number, x: number): string;
    sc(): string;
    rc(): string;
    civis(): string;
    cnorm(): string;
    el(): string;
    colors: number;
  };
  program: { cursorHidden?: boolean };
  /** A fresh row of `ch` in the default attribute. */
  blankLine(ch: string, dirty: boolean): Row;
}

export class RowPainter {
  /** The row drawn at each row of the band (index 0 is the top row), undefined where not known. */
  private shown: Array<EncodedRow | undefined> = [];
  private top = 0;
  private screenRows = 0;
  /** blessed's line arrays when last painted. */
  private painted: { lines: Row[]; olines: Row[] } | undefined;

  constructor(private readonly screen: PaintedScreen) {}

  /** The terminal has a scroll region (not every TERM does: ansi has none). */
  canScroll(): boolean {
    return Boolean(this.screen.tput.strings.change_scroll_region);
  }

  /** The terminal can save and restore the cursor, which bytes shared between screens rely on. */
  canRestoreCursor(): boolean {
    const { strings } = this.screen.tput;
    return Boolean(strings.save_cursor && strings.restore_cursor);
  }

  /** True when the terminal still shows what was last painted at this position and size. */
  inStep(top: number, height: number, screenRows: number): boolean {
    const { painted, screen } = this;
    return (
      painted !== undefined &&
      painted.lines === screen.lines &&
      painted.olines === screen.olines &&
      this.top === top &&
      this.shown.length === height &&
      this.screenRows === screenRows
    );
  }

  /**
   * Inside a full render: scrolls the terminal up `scrolled` rows when what was painted is still
   * there, then draws every row that differs from `rows` (one per row of the band, top first).
   */
  frame(top: number, rows: readonly EncodedRow[], scrolled: number, screenRows: number): void {
    const height = rows.length;
    let bytes = '';
    if (this.inStep(top, height, screenRows)) {
      if (scrolled > 0 && scrolled < height && this.canScroll()) {
        bytes += this.scrollBytes(scrolled);
        this.commitScrollOnly(scrolled);
      }
    } else {
      this.shown = new Array<EncodedRow | undefined>(height).fill(undefined);
      this.top = top;
      this.screenRows = screenRows;
      this.painted = { lines: this.screen.lines, olines: this.screen.olines };
    }
    for (let i = 0; i < height; i++) {
      const row = rows[i]!;
      if (this.shown[i] === row) continue;
      bytes += this.screen.tput.cup(top + i, 0) + row.bytes;
      this.setRow(i, row);
    }
    this.screen._buf += bytes;
  }

  /**
   * Scroll the band up `n` rows (blank rows come in at the bottom): a line feed on the
   * region's last row scrolls it on every terminal with a scroll region, also those without a
   * delete-lines capability (vt100) or with only the one-line form (vt102).
   */
  scrollBytes(n: number): string {
    const { tput } = this.screen;
    const bottom = this.top + this.shown.length - 1;
    return tput.csr(this.top, bottom) + tput.cup(bottom, 0) + '\n'.repeat(n) + tput.csr(0, this.screenRows - 1);
  }

  /**
   * `body`, written outside a render, wrapped as blessed's own draw wraps its output: the cursor
   * saved (and hidden while drawing, when it is shown), then restored where the caller left it.
   */
  aside(body: string): string {
    const { tput, program } = this.screen;
    return program.cursorHidden ? tput.sc() + body + tput.rc() : tput.sc() + tput.civis() + body + tput.rc() + tput.cnorm();
  }

  /** True when the band is one row, in step at `top`, and shows `row`. */
  shows(top: number, row: EncodedRow, screenRows: number): boolean {
    return this.inStep(top, 1, screenRows) && this.shown[0] === row;
  }

  /** The bytes that draw `rows` as the bottom rows of the band. */
  bottomBytes(rows: readonly EncodedRow[]): string {
    const first = this.top + this.shown.length - rows.length;
    let bytes = '';
    for (let i = 0; i < rows.length; i++) bytes += this.screen.tput.cup(first + i, 0) + rows[i]!.bytes;
    return bytes;
  }

  /**
   * Records that the terminal scrolled up by `rows.length` (when fewer than the band's height)
   * and shows `rows` at the bottom: what scrollBytes + bottomBytes drew.
   */
  commitBottom(rows: readonly EncodedRow[]): void {
    const height = this.shown.length;
    if (rows.length < height) this.commitScrollOnly(rows.length);
    for (let i = 0; i < rows.length; i++) this.setRow(height - rows.length + i, rows[i]!);
  }

  /** Moves the band's rows up `n` in blessed's buffers, as the terminal did; the rows that come in are unknown. */
  private commitScrollOnly(n: number): void {
    const { lines, olines } = this.screen;
    const { top } = this;
    const height = this.shown.length;
    // Rotated in place (every screen does this every frame): the rows that left come back in at
    // the bottom, and are replaced before anything reads them.
    rotateUp(lines, top, height, n);
    rotateUp(olines, top, height, n);
    rotateUp(this.shown, 0, height, n);
    for (let i = height - n; i < height; i++) this.shown[i] = undefined;
  }

  /**
   * Gives the band's rows back to blessed, as rows of its own: its next render blanks them (a
   * blank row marked for drawing, over a copy of what the terminal shows).
   */
  release(): void {
    const { lines, olines } = this.screen;
    if (this.painted?.lines === lines && this.painted.olines === olines) {
      for (let i = 0; i < this.shown.length; i++) {
        const y = this.top + i;
        if (!lines[y] || !olines[y]) continue;
        olines[y] = olines[y].map((cell) => [cell[0], cell[1]] as const);
        lines[y] = this.screen.blankLine(' ', true);
      }
    }
    this.shown = [];
    this.painted = undefined;
  }

  private setRow(index: number, row: EncodedRow): void {
    const y = this.top + index;
    const { lines, olines } = this.screen;
    if (y >= lines.length || y >= olines.length) return;
    lines[y] = row.cells;
    olines[y] = row.cells;
    this.shown[index] = row;
  }
}

/** Moves `items[from + n .. from + count)` up by `n` and the `n` items that were at `from` to the end of that span. */
function rotateUp<T>(items: T[], from: number, count: number, n: number): void {
  const end = Math.min(from + count, items.length);
  if (n <= 0 || end - from <= n) return;
  const gone = items.slice(from, from + n);
  for (let i = from; i < end - n; i++) items[i] = items[i + n]!;
  for (let i = 0; i < n; i++) items[end - n + i] = gone[i]!;
}
