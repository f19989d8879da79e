/**
 * Log lines turned into terminal rows once per screen shape — wrapped to the width, coloured for
 * the terminal's colour depth and encoded to the bytes that draw them — and shared by every screen
 * of that shape. One cache per board process, made by the board's wiring and handed down: a line
 * seen by 500 callers of one shape is wrapped and encoded once, not 500 times.
 *
 * A row is kept twice, as bytes for the terminal and as cells (blessed's attribute and character
 * per column) for blessed's picture of the screen, so the two always agree. The cells are one
 * frozen array per row that every screen of the shape puts in its line buffers as it is: a row
 * costs a screen one reference, not a copy, and no screen can change another's. Widths come from
 * display-width.ts alone: a grapheme of width 2 takes its column and the next, whose cell holds ''
 * (nothing is written for it), so an emoji, a ZWJ sequence or a flag is never split or miscounted.
 */
import blessed from 'blessed';
import { HANDLE_COLORS, type HandleColor } from '../chat/handle-color.js';
import { displayWidth, graphemes } from './display-width.js';
import type { Style, StyledLine } from './message-lines.js';
import { wrapLine } from './scrollback.js';

/** blessed's default attribute: no flags, default foreground and background. */
export const DEFAULT_ATTR = (0x1ff << 9) | 0x1ff;

const BOLD = 1;

/**
 * A colour (xterm-256 index), flags and an optional background; fg16: what 16- and 8-colour
 * terminals get instead of blessed's nearest match.
 */
interface Look {
  fg: number;
  flags: number;
  fg16?: number;
  bg?: number;
}

/**
 * The handle colours: xterm-256 entries with a contrast of at least 3.5:1 against both black and
 * white (test/unit/handle-colors.test.ts), so a handle is readable on dark and light terminals.
 * With 16 or 8 colours, only the basic non-bright colours but yellow: bright ones and yellow are
 * the ones that vanish on a light background.
 */
const HANDLE_LOOK: Readonly<Record<HandleColor, { fg: number; fg16: number }>> = {
  red: { fg: 160, fg16: 1 },
  orange: { fg: 166, fg16: 1 },
  brown: { fg: 130, fg16: 2 },
  green: { fg: 28, fg16: 2 },
  teal: { fg: 30, fg16: 6 },
  blue: { fg: 32, fg16: 4 },
  purple: { fg: 98, fg16: 5 },
  magenta: { fg: 163, fg16: 5 },
};

const handleLooks = Object.fromEntries(
  HANDLE_COLORS.flatMap((color) => [
    [`handle-${color}`, { ...HANDLE_LOOK[color], flags: 0 }],
    [`own-${color}`, { ...HANDLE_LOOK[color], flags: BOLD }],
  ]),
) as Record<`handle-${HandleColor}` | `own-${HandleColor}`, Look>;

/** Each style's look: handle dark green, said text light green, the board's own lines yellow. */
const STYLE_LOOK: Readonly<Record<Style, Look>> = {
  ...handleLooks,
  'own-text': { fg: 10, flags: BOLD },
  timestamp: { fg: 7, flags: 0 }, // white
  handle: { fg: 2, flags: 0 }, // green
  text: { fg: 10, flags: 0 }, // light green
  action: { fg: 10, flags: 0 },
  notice: { fg: 3, flags: 0 }, // yellow
  official: { fg: 11, flags: BOLD }, // light yellow
  private: { fg: 13, flags: 0 }, // light magenta
  page: { fg: 14, flags: BOLD }, // light cyan
  earlier: { fg: 8, flags: 0 }, // grey
  divider: { fg: 6, flags: 0 }, // cyan
  input: { fg: 0x1ff, flags: 0 }, // the terminal's own colours
  title: { fg: 7, bg: 4, flags: BOLD }, // white on blue
};

/** blessed's cell attribute for `style`: flags << 18 | fg << 9 | bg (0x1ff: the default). */
export function styleAttr(style: Style): number {
  const { fg, flags, bg = 0x1ff } = STYLE_LOOK[style];
  return (flags << 18) | (fg << 9) | bg;
}

/** One column as blessed keeps it: attribute and character ('' for the second column of a wide grapheme). */
export type Cell = readonly [number, string];

export interface EncodedRow {
  /** Draws the row from the cursor (column 0) to the end of the row, ending with attributes reset. */
  readonly bytes: string;
  /** blessed's cells for every column of the row; frozen, shared by every screen of the shape. */
  readonly cells: readonly Cell[];
}

export interface EncodedLine {
  /** Unique within the cache: equal ids mean the same rows. */
  readonly id: number;
  readonly rows: readonly EncodedRow[];
}

/** What the bytes depend on besides the text: the terminal's colour count and its clear-to-end-of-line. */
export interface ShapeTerminal {
  readonly term: string;
  readonly colors: number;
  /** Clear to end of line (terminfo el). */
  readonly el: string;
}

export class ShapeRows {
  /** An empty row: only cleared. */
  readonly blank: EncodedRow;
  private readonly lines = new WeakMap<StyledLine, EncodedLine>();
  /** Each (attribute, ASCII character) pair once, so most of a row's cells are references to shared pairs. */
  private readonly pairs = new Map<number, Cell>();

  constructor(
    readonly width: number,
    private readonly terminal: ShapeTerminal,
    private readonly nextId: () => number,
  ) {
    this.blank = { bytes: terminal.el, cells: this.toCells([], []) };
  }

  /** `line`'s rows at this shape; made on first use, kept while the line lives. */
  line(line: StyledLine): EncodedLine {
    let encoded = this.lines.get(line);
    if (!encoded) {
      encoded = { id: this.nextId(), rows: wrapLine(line, this.width).map((row) => this.encode(row)) };
      this.lines.set(line, encoded);
    }
    return encoded;
  }

  /** `line` as one row, cut at the width and not kept: for text that changes with every key. */
  single(line: StyledLine): EncodedRow {
    return this.encode(wrapLine(line, this.width)[0] ?? []);
  }

  private encode(row: StyledLine): EncodedRow {
    const attrs: number[] = [];
    const chars: string[] = [];
    let bytes = '';
    let current = DEFAULT_ATTR;
    for (const segment of row) {
      const attr = styleAttr(segment.style);
      if (attr !== current) {
        if (current !== DEFAULT_ATTR) bytes += '\x1b[m';
        if (attr !== DEFAULT_ATTR) bytes += this.sgr(segment.style);
        current = attr;
      }
      for (const g of graphemes(segment.text)) {
        const width = displayWidth(g);
        if (width === 0) {
          // A mark drawn after a cell joins it on the terminal; at the start of a row it has nothing to join.
          if (chars.length === 0) continue;
          chars[chars.length - 1] += g;
          bytes += g;
          continue;
        }
        chars.push(g);
        attrs.push(attr);
        bytes += g;
        if (width === 2) {
          chars.push('');
          attrs.push(attr);
        }
      }
    }
    if (current !== DEFAULT_ATTR) bytes += '\x1b[m';
    // At the last column the cursor waits to wrap, and clearing from there would erase that column.
    if (chars.length < this.width) bytes += this.terminal.el;
    return { bytes, cells: this.toCells(attrs, chars) };
  }

  /** Exactly `width` cells, blank past the text; frozen so that blessed can never write into a shared row. */
  private toCells(attrs: readonly number[], chars: readonly string[]): readonly Cell[] {
    const cells: Cell[] = [];
    for (let x = 0; x < this.width; x++) {
      cells.push(x < chars.length ? this.pair(attrs[x]!, chars[x]!) : this.pair(DEFAULT_ATTR, ' '));
    }
    return Object.freeze(cells);
  }

  /** Only ASCII is pooled: the pool stays small whatever graphemes callers send. */
  private pair(attr: number, ch: string): Cell {
    const code = ch.charCodeAt(0);
    if (ch.length !== 1 || code > 0x7e) return Object.freeze([attr, ch] as const);
    // A number, not a string: asked for every cell of every row encoded.
    const key = attr * 0x80 + code;
    let cell = this.pairs.get(key);
    if (!cell) {
      cell = Object.freeze([attr, ch] as const);
      this.pairs.set(key, cell);
    }
    return cell;
  }

  /**
   * The SGR sequence for `style`, with the colour brought down to what the terminal has; a terminal
   * without colours (terminfo gives vt100 none: blessed says -1) gets bold alone, or nothing.
   */
  private sgr(style: Style): string {
    const { fg, fg16, flags, bg } = STYLE_LOOK[style];
    const bold = flags & BOLD ? '1' : '';
    const colors = this.terminal.colors;
    if (colors < 8) return bold ? `\x1b[${bold}m` : '';
    const codes = [bold, colorCode(reduceColor(colors < 256 && fg16 !== undefined ? fg16 : fg, colors), 30, 90, 38)];
    if (bg !== undefined) codes.push(colorCode(reduceColor(bg, colors), 40, 100, 48));
    return `\x1b[${codes.filter((code) => code !== '').join(';')}m`;
  }
}

/** SGR parameters for a colour: `base` + n for the first 8, `bright` + n for the next 8, else `extended`;5;n. */
function colorCode(colour: number, base: number, bright: number, extended: number): string {
  if (colour === 0x1ff) return '';
  if (colour < 8) return `${base + colour}`;
  return colour < 16 ? `${bright + colour - 8}` : `${extended};5;${colour}`;
}

/** blessed's own colour reduction (the typings leave it out): 256 → 16 → 8 → 2 colours. */
const reduceColor = (blessed.colors as unknown as { reduce(colour: number, total: number): number }).reduce;

/**
 * Shapes kept at most. A caller dragging a window corner goes through a new width at every step,
 * and each shape keeps the rows of every line drawn at it for as long as the line lives, so an
 * unbounded map would grow with every width anyone ever had. The least recently asked-for shape
 * goes first; a screen still drawing at it keeps its own reference, so nothing it shows changes,
 * and the next screen to ask for that shape gets a fresh one.
 */
export const MAX_SHAPES = 24;

/** Per process: one ShapeRows per terminal type and width, made when a screen of that shape first asks. */
export class LogRows {
  /** In order of last use, oldest first (a Map iterates in insertion order). */
  private readonly shapes = new Map<string, ShapeRows>();
  private lastId = 0;
  private readonly nextId = () => ++this.lastId;

  constructor(private readonly maxShapes = MAX_SHAPES) {}

  shape(terminal: ShapeTerminal, width: number): ShapeRows {
    const key = `${terminal.term} ${terminal.colors} ${width}`;
    let rows = this.shapes.get(key);
    if (rows) this.shapes.delete(key);
    else rows = new ShapeRows(width, { term: terminal.term, colors: terminal.colors, el: terminal.el }, this.nextId);
    this.shapes.set(key, rows);
    if (this.shapes.size > this.maxShapes) this.shapes.delete(this.shapes.keys().next().value as string);
    return rows;
  }
}

export function createLogRows(maxShapes = MAX_SHAPES): LogRows {
  return new LogRows(maxShapes);
}

/** A screen's terminal as its rows are encoded for: its TERM, and its terminfo's colours and el. */
export function shapeTerminal(term: string, tput: { readonly colors: number; el(): string }): ShapeTerminal {
  return { term, colors: tput.colors, el: tput.el() };
}

/**
 * One row of one style whose text changes now and then (the title bar, the input line), not kept
 * by the shape: encoded again only when its text or the width changed.
 */
export class SingleRow {
  private drawn: { text: string; width: number; row: EncodedRow } | undefined;

  constructor(
    private readonly rows: LogRows,
    private readonly terminal: () => ShapeTerminal,
    private readonly style: Style,
    /** fill: the text is padded with spaces to the width, so its style (a background) spans the row. */
    private readonly options: { fill?: boolean } = {},
  ) {}

  /**
   * Asked every frame by every screen with the same string until the text changes, so the
   * comparison with the last text is most often one of identity, and nothing is built to ask.
   */
  row(text: string, width: number): EncodedRow {
    const { drawn } = this;
    if (drawn?.text === text && drawn.width === width) return drawn.row;
    const shown = this.options.fill ? text + ' '.repeat(Math.max(0, width - displayWidth(text))) : text;
    const row = this.rows.shape(this.terminal(), width).single([{ text: shown, style: this.style }]);
    this.drawn = { text, width, row };
    return row;
  }
}
