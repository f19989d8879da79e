/**
 * The teleconference scrollback, as a model: at most `capacity` lines, wrapped into rows by
 * display width (grapheme by grapheme, so CJK and emoji take 2 columns, combining marks 0 and
 * nothing is ever split), and a view that either follows the newest row or stays where a reader
 * scrolled to while new lines arrive below it. Pure: it knows nothing of blessed or terminals;
 * the screen asks it for exactly the rows it can show.
 */
import { displayWidth, graphemes } from './display-width.js';
import type { Segment, Style, StyledLine } from './format.js';

export interface MessageLogOptions {
  /** Lines kept; the oldest go first. */
  readonly capacity: number;
}

/** One grapheme with its style and width: wrapping works on these, measured once per line. */
interface Cell {
  readonly text: string;
  readonly style: Style;
  readonly width: number;
}

interface Entry {
  readonly id: number;
  readonly cells: readonly Cell[];
  wrapWidth: number;
  rows: StyledLine[];
}

/** A row in the log: the line it belongs to (by id) and its index among that line's rows. */
interface Position {
  readonly id: number;
  readonly row: number;
}

export class MessageLog {
  private readonly capacity: number;
  private readonly entries: Entry[] = [];
  private nextId = 0;
  /** The bottom row of the view while scrolled up; undefined while following the newest row. */
  private anchor: Position | undefined;

  constructor(options: MessageLogOptions) {
    if (!Number.isInteger(options.capacity) || options.capacity < 1) {
      throw new RangeError(`MessageLog capacity must be a positive integer, got ${options.capacity}`);
    }
    this.capacity = options.capacity;
  }

  get length(): number {
    return this.entries.length;
  }

  /** True while the view follows new lines. */
  get atBottom(): boolean {
    return this.anchor === undefined;
  }

  append(line: StyledLine): void {
    this.entries.push({ id: this.nextId++, cells: toCells(line), wrapWidth: -1, rows: [] });
    if (this.entries.length > this.capacity) this.entries.shift();
    if (this.anchor && this.anchor.id < this.firstId()) this.anchor = { id: this.firstId(), row: 0 };
  }

  /** Lines entirely below the view: what arrived (or was left) under a reader who scrolled up. */
  linesBelow(): number {
    if (!this.anchor) return 0;
    return this.entries.length - 1 - this.indexOf(this.anchor.id);
  }

  /** The rows on screen, oldest first: at most `height`, each at most `width` columns. */
  visibleRows(width: number, height: number): StyledLine[] {
    const bottom = this.clampBottom(this.anchor ?? this.end(width), width, height);
    if (!bottom) return [];
    const rows: StyledLine[] = [];
    let row = bottom.row;
    for (let index = this.indexOf(bottom.id); index >= 0 && rows.length < height; index--) {
      const lineRows = this.rowsOf(index, width);
      for (let r = Math.min(row, lineRows.length - 1); r >= 0 && rows.length < height; r--) rows.push(lineRows[r]!);
      row = Infinity;
    }
    return rows.reverse();
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

  private firstId(): number {
    return this.entries[0]?.id ?? this.nextId;
  }

  /** Ids are consecutive, so a line's index is arithmetic. */
  private indexOf(id: number): number {
    return id - this.firstId();
  }

  private rowsOf(index: number, width: number): StyledLine[] {
    const entry = this.entries[index];
    if (!entry) return [];
    if (entry.wrapWidth !== width) {
      entry.rows = wrapCells(entry.cells, width);
      entry.wrapWidth = width;
    }
    return entry.rows;
  }

  private end(width: number): Position | undefined {
    const last = this.entries.length - 1;
    if (last < 0) return undefined;
    return { id: this.entries[last]!.id, row: this.rowsOf(last, width).length - 1 };
  }

  /** Walks `delta` rows from `from`, stopping at the first and last rows of the log. */
  private move(from: Position, delta: number, width: number): Position {
    let index = this.indexOf(from.id);
    let row = Math.min(from.row, this.rowsOf(index, width).length - 1) + delta;
    while (row < 0 && index > 0) row += this.rowsOf(--index, width).length;
    while (index < this.entries.length - 1 && row >= this.rowsOf(index, width).length) {
      row -= this.rowsOf(index++, width).length;
    }
    row = Math.max(0, Math.min(row, this.rowsOf(index, width).length - 1));
    return { id: this.entries[index]!.id, row };
  }

  /** A bottom row so high that the view would start above the first row is lowered to fill the view. */
  private clampBottom(bottom: Position | undefined, width: number, height: number): Position | undefined {
    const first = this.entries[0];
    if (!bottom || !first) return undefined;
    const lowest = this.move({ id: first.id, row: 0 }, height - 1, width);
    const wrapped = { id: bottom.id, row: Math.min(bottom.row, this.rowsOf(this.indexOf(bottom.id), width).length - 1) };
    return comparePositions(wrapped, lowest) < 0 ? lowest : wrapped;
  }
}

function samePosition(a: Position, b: Position): boolean {
  return a.id === b.id && a.row === b.row;
}

function comparePositions(a: Position, b: Position): number {
  return a.id === b.id ? a.row - b.row : a.id - b.id;
}

function toCells(line: StyledLine): Cell[] {
  return line.flatMap((segment) =>
    graphemes(segment.text).map((g) => ({ text: g, style: segment.style, width: displayWidth(g) })),
  );
}

/**
 * Greedy word wrap: a row breaks after the last space that fits, or mid-word when a word is
 * wider than a row. The space a row breaks on is dropped. Every row gets at least one grapheme,
 * so a 2-column grapheme in a 1-column log overflows rather than loops.
 */
function wrapCells(cells: readonly Cell[], width: number): StyledLine[] {
  const rows: StyledLine[] = [];
  let start = 0;
  while (start < cells.length) {
    const end = rowEnd(cells, start, Math.max(1, width));
    rows.push(toSegments(cells.slice(start, end)));
    start = end;
    if (cells[start]?.text === ' ') start++;
  }
  return rows.length > 0 ? rows : [[]];
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

function toSegments(cells: readonly Cell[]): StyledLine {
  const segments: Segment[] = [];
  let from = 0;
  for (let i = 1; i <= cells.length; i++) {
    if (i < cells.length && cells[i]!.style === cells[from]!.style) continue;
    segments.push({ text: cells.slice(from, i).map((c) => c.text).join(''), style: cells[from]!.style });
    from = i;
  }
  return segments;
}
