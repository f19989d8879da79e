/**
 * The teleconference scrollback, as a model: at most `capacity` lines, wrapped into rows by
 * display width (grapheme by grapheme, so CJK and emoji take 2 columns, combining marks 0 and
 * nothing is ever split), and a view that either follows the newest row or stays where a reader
 * scrolled to while new lines arrive below it. Pure: it knows nothing of blessed or terminals;
 * the screen asks it for exactly the rows it can show.
 *
 * Memory rule: every caller keeps up to `capacity` lines, so a line costs a caller only a
 * reference to its StyledLine (which the formatter shares between callers) and the number of rows
 * it wraps to at the width last asked for. Rows are built by whoever draws them (log-rows.ts, once
 * per screen shape), only for the lines on screen.
 */
import { displayWidth, graphemes } from './display-width.js';
import type { Segment, Style, StyledLine } from './message-lines.js';

export interface MessageLogOptions {
  /** Lines kept; the oldest go first. */
  readonly capacity: number;
}

/** One grapheme with its style and width: wrapping works on these, made only while wrapping one line. */
interface Cell {
  readonly text: string;
  readonly style: Style;
  readonly width: number;
}

/** A row in the log: the line it belongs to (by id) and its index among that line's rows. */
interface Position {
  readonly id: number;
  readonly row: number;
}

/** Marks a line whose rows have not been counted at `countedWidth` (every line has at least one row). */
const UNCOUNTED = 0;

export class MessageLog {
  private readonly capacity: number;
  /** Oldest first; `lines[i]` has id `firstId + i` (ids are consecutive). */
  private readonly lines: StyledLine[] = [];
  /** Rows each line wraps to at `countedWidth`, or UNCOUNTED; parallel to `lines`. */
  private readonly rowCounts: number[] = [];
  private countedWidth = -1;
  private firstId = 0;
  /** The bottom row of the view while scrolled up; undefined while following the newest row. */
  private anchor: Position | undefined;

  constructor(options: MessageLogOptions) {
    if (!Number.isInteger(options.capacity) || options.capacity < 1) {
      throw new RangeError(`MessageLog capacity must be a positive integer, got ${options.capacity}`);
    }
    this.capacity = options.capacity;
  }

  get length(): number {
    return this.lines.length;
  }

  /** True while the view follows new lines. */
  get atBottom(): boolean {
    return this.anchor === undefined;
  }

  /** Keeps `line` itself, not a copy: it must not change afterwards (the formatter's lines never do). */
  append(line: StyledLine): void {
    this.lines.push(line);
    this.rowCounts.push(UNCOUNTED);
    if (this.lines.length > this.capacity) {
      this.lines.shift();
      this.rowCounts.shift();
      this.firstId++;
    }
    if (this.anchor && this.anchor.id < this.firstId) this.anchor = { id: this.firstId, row: 0 };
  }

  /** Lines entirely below the view: what arrived (or was left) under a reader who scrolled up. */
  linesBelow(): number {
    if (!this.anchor) return 0;
    return this.lines.length - 1 - this.indexOf(this.anchor.id);
  }

  /** The rows on screen, oldest first: at most `height`, each at most `width` columns. */
  visibleRows(width: number, height: number): StyledLine[] {
    return this.visibleSlices(width, height).flatMap(({ line, from, to }) => wrapLine(line, width).slice(from, to));
  }

  /**
   * The rows on screen as pieces of lines, oldest first: rows `from` to `to` (exclusive) of
   * wrapLine(line, width), at most `height` rows in all. Whoever draws them wraps each line itself
   * (once per width, for every screen of that width) instead of being handed fresh rows.
   */
  visibleSlices(width: number, height: number): Array<{ line: StyledLine; from: number; to: number }> {
    const bottom = this.clampBottom(this.anchor ?? this.end(width), width, height);
    if (!bottom) return [];
    const slices: Array<{ line: StyledLine; from: number; to: number }> = [];
    let left = height;
    let row = bottom.row;
    for (let index = this.indexOf(bottom.id); index >= 0 && left > 0; index--) {
      const to = Math.min(row, this.rowCount(index, width) - 1) + 1;
      const from = Math.max(0, to - left);
      slices.push({ line: this.lines[index]!, from, to });
      left -= to - from;
      row = Infinity;
    }
    return slices.reverse();
  }

  /** Moves the view by `delta` rows (negative: towards older lines); reaching the newest row follows again. */
  scroll(delta: number, width: number, height: number): void {
    const start = this.anchor ?? this.end(width);
    if (!start) return;
    const moved = this.clampBottom(this.move(start, delta, width), width, height);
    const end = this.end(width);
    this.anchor = !moved || !end || samePosition(moved, end) ? undefined : moved;
  }

  pageUp(width: number, height: number): void {
    this.scroll(-Math.max(1, height - 1), width, height);
  }

  pageDown(width: number, height: number): void {
    this.scroll(Math.max(1, height - 1), width, height);
  }

  scrollToBottom(): void {
    this.anchor = undefined;
  }

  /** Ids are consecutive, so a line's index is arithmetic. */
  private indexOf(id: number): number {
    return id - this.firstId;
  }

  /** How many rows line `index` wraps to at `width`: counted once per width, then remembered. */
  private rowCount(index: number, width: number): number {
    if (width !== this.countedWidth) {
      this.countedWidth = width;
      this.rowCounts.fill(UNCOUNTED);
    }
    let count = this.rowCounts[index] ?? UNCOUNTED;
    if (count === UNCOUNTED) {
      count = countRows(this.lines[index]!, width);
      this.rowCounts[index] = count;
    }
    return count;
  }

  private end(width: number): Position | undefined {
    const last = this.lines.length - 1;
    if (last < 0) return undefined;
    return { id: this.firstId + last, row: this.rowCount(last, width) - 1 };
  }

  /** Walks `delta` rows from `from`, stopping at the first and last rows of the log. */
  private move(from: Position, delta: number, width: number): Position {
    let index = this.indexOf(from.id);
    let row = Math.min(from.row, this.rowCount(index, width) - 1) + delta;
    while (row < 0 && index > 0) row += this.rowCount(--index, width);
    while (index < this.lines.length - 1 && row >= this.rowCount(index, width)) {
      row -= this.rowCount(index++, width);
    }
    row = Math.max(0, Math.min(row, this.rowCount(index, width) - 1));
    return { id: this.firstId + index, row };
  }

  /** A bottom row so high that the view would start above the first row is lowered to fill the view. */
  private clampBottom(bottom: Position | undefined, width: number, height: number): Position | undefined {
    if (!bottom || this.lines.length === 0) return undefined;
    const lowest = this.move({ id: this.firstId, row: 0 }, height - 1, width);
    const wrapped = { id: bottom.id, row: Math.min(bottom.row, this.rowCount(this.indexOf(bottom.id), width) - 1) };
    return comparePositions(wrapped, lowest) < 0 ? lowest : wrapped;
  }
}

function samePosition(a: Position, b: Position): boolean {
  return a.id === b.id && a.row === b.row;
}

function comparePositions(a: Position, b: Position): number {
  return a.id === b.id ? a.row - b.row : a.id - b.id;
}

/** Rows `line` wraps to at `width`; always wrapLine(line, width).length, without building them. */
export function countRows(line: StyledLine, width: number): number {
  if (fitsOneRow(line, width)) return 1;
  return rowSpans(toCells(line), width).length;
}

/**
 * `line` as rows of at most `width` columns, adjacent pieces of one style joined and empty ones
 * left out. Greedy word wrap: a row breaks after the last space that fits, or mid-word when a
 * word is wider than a row. The space a row breaks on is dropped.
 */
export function wrapLine(line: StyledLine, width: number): StyledLine[] {
  if (fitsOneRow(line, width)) return [joinStyles(line)];
  const cells = toCells(line);
  return rowSpans(cells, width).map(([start, end]) => toSegments(cells, start, end));
}

/** The common case, answered without splitting the line into graphemes. */
function fitsOneRow(line: StyledLine, width: number): boolean {
  let used = 0;
  for (const segment of line) used += displayWidth(segment.text);
  return used <= width;
}

function toCells(line: StyledLine): Cell[] {
  return line.flatMap((segment) =>
    graphemes(segment.text).map((g) => ({ text: g, style: segment.style, width: displayWidth(g) })),
  );
}

/**
 * Where each row starts and ends (end exclusive). Every row gets at least one grapheme, so a
 * 2-column grapheme in a 1-column log overflows rather than loops. No cells: one empty row.
 */
function rowSpans(cells: readonly Cell[], width: number): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  let start = 0;
  while (start < cells.length) {
    const end = rowEnd(cells, start, Math.max(1, width));
    spans.push([start, end]);
    start = end;
    if (cells[start]?.text === ' ') start++;
  }
  return spans.length > 0 ? spans : [[0, 0]];
}

/** The index just past the last cell of the row that starts at `start`. */
function rowEnd(cells: readonly Cell[], start: number, width: number): number {
  let used = 0;
  let lastSpace = -1;
  for (let i = start; i < cells.length; i++) {
    const cell = cells[i]!;
    if (used + cell.width > width) {
      if (cell.text === ' ' || i === start) return Math.max(i, start + 1);
      return lastSpace > start ? lastSpace : i;
    }
    if (cell.text === ' ') lastSpace = i;
    used += cell.width;
  }
  return cells.length;
}

function toSegments(cells: readonly Cell[], start: number, end: number): StyledLine {
  const segments: Segment[] = [];
  let from = start;
  for (let i = start + 1; i <= end; i++) {
    if (i < end && cells[i]!.style === cells[from]!.style) continue;
    segments.push({ text: cells.slice(from, i).map((c) => c.text).join(''), style: cells[from]!.style });
    from = i;
  }
  return segments;
}

/** `line` with empty pieces left out and neighbours of one style joined; `line` itself when it already is. */
function joinStyles(line: StyledLine): StyledLine {
  const joined = line.every((s, i) => s.text !== '' && (i === 0 || line[i - 1]!.style !== s.style));
  if (joined) return line;
  const segments: Segment[] = [];
  for (const segment of line) {
    if (segment.text === '') continue;
    const last = segments[segments.length - 1];
    if (last?.style === segment.style) segments[segments.length - 1] = { text: last.text + segment.text, style: last.style };
    else segments.push(segment);
  }
  return segments;
}
