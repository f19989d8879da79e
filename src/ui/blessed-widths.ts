/**
 * blessed measures with display-width.ts. blessed has a width table of its own (Unicode of 2015,
 * one UTF-16 unit or code point per cell, most emoji one column) that it uses where it draws by
 * itself: the status line, forms, banners, and its full redraw of any row. Two tables
 * drift apart on every emoji, ZWJ sequence or flag, so blessed's few width primitives are replaced
 * by ones built on displayWidth and grapheme boundaries, and one table decides every width:
 *
 * - a grapheme is one cell: blessed puts every code point its combining table names into the cell
 *   before, so a code point that does not start a grapheme (or starts one of no width, a mark with
 *   nothing to join) is reported as JOINED, which that table holds;
 * - a grapheme of width 2 gets one filler cell after it (blessed's `chars.all` replacement, done
 *   per grapheme instead of by a regex of wide code points);
 * - charWidth and strWidth are displayWidth, so blessed's full redraw skips the filler after
 *   exactly the cells a terminal draws two columns wide;
 * - a row is cut only when its columns, not its UTF-16 units, pass the box's width (blessed counts
 *   units, so a row holding a ZWJ sequence lost its end although it fitted).
 *
 * Controls stay their own graphemes (blessed handles tab, newline, escapes and its filler \x03).
 */
import stringWidth from 'string-width';
import { displayWidth } from './display-width.js';

export interface BlessedUnicode {
  charWidth(str: string | number, i?: number): number;
  strWidth(str: string): number;
  codePointAt(str: string, i: number): number | undefined;
  combining: Record<number, boolean>;
  chars: { all: RegExp };
}

/** Not a code point: what codePointAt answers for a unit that belongs to the cell before. */
const JOINED = -1;

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Per UTF-16 unit of a string: where graphemes start, and their width there. */
const INSIDE = 0;
const START = 1;
const WIDE_START = 2;
const EMPTY_START = 3;

/** blessed asks about the same string unit by unit as it draws it: keep the last one's layout. */
let lastText = '';
let lastLayout: Uint8Array | null = null;

/** null for printable ASCII (every unit a grapheme of width 1), else one entry per unit. */
function layoutOf(text: string): Uint8Array | null {
  if (text === lastText) return lastLayout;
  const layout = PRINTABLE_ASCII.test(text) ? null : new Uint8Array(text.length);
  if (layout) {
    for (const { segment, index } of segmenter.segment(text)) layout[index] = startKind(segment);
  }
  lastText = text;
  lastLayout = layout;
  return layout;
}

function startKind(grapheme: string): number {
  // A control or an ASCII character alone is blessed's own business (tab, newline, escapes, its filler).
  if (grapheme.length === 1 && grapheme.charCodeAt(0) < 0xa0) return START;
  const width = displayWidth(grapheme);
  if (width === 0) return EMPTY_START;
  return width === 2 ? WIDE_START : START;
}

function codePointAt(text: string, i = 0): number | undefined {
  const layout = layoutOf(text);
  const kind = layout ? layout[i] : START;
  if (kind === INSIDE || kind === EMPTY_START) return JOINED;
  return text.codePointAt(i);
}

/** Columns of the grapheme that starts at i (0 inside one); a number is measured as one code point. */
function charWidth(str: string | number, i = 0): number {
  if (typeof str === 'number') return str < 0x20 || (str >= 0x7f && str < 0xa0) ? 0 : stringWidth(String.fromCodePoint(str));
  if (str.length === 1 && i === 0) return unitWidth(str.charCodeAt(0));
  const layout = layoutOf(str);
  if (!layout) return i < str.length ? 1 : 0;
  const kind = layout[i];
  if (kind === WIDE_START) return 2;
  return kind === START ? unitWidth(str.charCodeAt(i)) : 0;
}

/** A unit that starts a grapheme of width 1 or less: controls take no column. */
function unitWidth(unit: number): number {
  if (unit < 0x20 || (unit >= 0x7f && unit < 0xa0)) return 0;
  return unit < 0xa0 ? 1 : displayWidth(String.fromCharCode(unit));
}

/**
 * Stands in for blessed's `chars.all` regex, which it only ever passes to String#replace with
 * "$1\x03" (a filler after each wide character) or "??" (no Unicode: each one shown as "??").
 * Here each grapheme of width 2 is the match.
 */
const wideGraphemes = {
  [Symbol.replace](text: string, replacement: string): string {
    const layout = layoutOf(text);
    if (!layout) return text;
    let out = '';
    let runStart = 0;
    for (const { segment, index } of segmenter.segment(text)) {
      if (layout[index] !== WIDE_START) continue;
      out += text.slice(runStart, index) + replacement.replace('$1', segment);
      runStart = index + segment.length;
    }
    return out + text.slice(runStart);
  },
};

/** blessed's rows of an element's content, with where each came from. */
type WrappedRows = string[] & { rtof: number[]; ftor: number[][]; fake: string[]; real: string[]; mwidth: number };

interface BlessedElement {
  align?: string | null;
  scrollbar?: unknown;
  type: string;
}

export interface BlessedElementPrototype {
  _wrapContent(this: BlessedElement, content: string, width: number): WrappedRows;
}

const SGR = /\x1b\[[\d;]*m/g;
const ALIGN_TAG = /^{(left|center|right)}|{\/(left|center|right)}$/;
const ASCII_ONLY = /^[\x00-\x7f]*$/;

/**
 * Content that fits its box as it is becomes one row per line, measured in columns; anything else
 * (a line too wide, centred or right-aligned, plain ASCII, where units are columns) goes to blessed.
 */
function rowsThatFit(content: string, width: number): WrappedRows | undefined {
  if (content === '' || ASCII_ONLY.test(content)) return undefined;
  const lines = content.split('\n');
  let widest = 0;
  for (const line of lines) {
    if (ALIGN_TAG.test(line)) return undefined;
    const columns = displayWidth(line.replace(SGR, ''));
    if (columns > width) return undefined;
    widest = Math.max(widest, columns);
  }
  const rows = lines.slice() as WrappedRows;
  rows.rtof = lines.map((_, i) => i);
  rows.ftor = lines.map((_, i) => [i]);
  rows.fake = lines;
  rows.real = rows;
  rows.mwidth = widest;
  return rows;
}

/** Once, before any screen exists; blessed's unicode module is shared by every screen. */
export function measureWithDisplayWidth(unicode: BlessedUnicode, element: BlessedElementPrototype): void {
  unicode.codePointAt = codePointAt;
  unicode.charWidth = charWidth;
  unicode.strWidth = displayWidth;
  unicode.combining = { [JOINED]: true };
  unicode.chars.all = wideGraphemes as unknown as RegExp;
  const wrap = element._wrapContent;
  element._wrapContent = function (content, width) {
    // blessed keeps a column for a scrollbar, and one more in a textarea.
    const inner = width - (this.scrollbar ? 1 : 0) - (this.type === 'textarea' ? 1 : 0);
    const leftAligned = !this.align || this.align === 'left';
    return (leftAligned && rowsThatFit(content, inner)) || wrap.call(this, content, width);
  };
}
