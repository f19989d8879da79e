/**
 * What text may reach a terminal: the one set of rules for every string the board shows or logs
 * that someone else wrote (chat lines, reasons, titles, banners, form fields, key comments, log
 * fields). Pure: no I/O, no Node types, so the chat core uses it as the screens do.
 *
 * The rule is the same everywhere: no C0 control, no DEL, no C1 control — and therefore no escape
 * sequence — no invisible format character (bidi overrides, embeddings, isolates and marks,
 * zero-width space, BOM, tag characters, which can reorder or hide text), no line or paragraph
 * separator, no lone surrogate. Printable text, wide characters, combining marks, ZWJ and ZWNJ
 * (which scripts and emoji sequences need) stay. The functions differ only in what they do with
 * what they take out:
 *
 * - cleanText: a chat line (or a reason) from a caller: sequences go with their payload (an OSC 52
 *   clipboard write leaves no trace instead of "52;c;..."), tabs and line breaks become spaces,
 *   trimmed, capped in code points between graphemes.
 * - cleanLines: a pasted block: each line as cleanText, joined with "\n".
 * - visibleText: a string shown on one row of a screen (a title, a banner, a form field), cleaned
 *   as cleanText but neither trimmed nor capped.
 * - typedText: what a keystroke inserts into a line being edited: as visibleText, but a tab or line
 *   break inserts nothing (the editor treats them as keys).
 * - markControls: a log field or a last defence before a terminal: each character the rule refuses
 *   is replaced, one for one, by a visible mark, so the reader sees that something was there.
 */

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const BEL = 0x07;
const CAN = 0x18;
const SUB = 0x1a;
const ESC = 0x1b;
const BACKSLASH = 0x5c;
const NEL = 0x85;
const C1_DCS = 0x90;
const C1_SOS = 0x98;
const C1_CSI = 0x9b;
const C1_ST = 0x9c;
const C1_OSC = 0x9d;
const C1_PM = 0x9e;
const C1_APC = 0x9f;

/** After ESC: `]` OSC, `P` DCS, `X` SOS, `^` PM, `_` APC open a string that runs to its terminator. */
const STRING_OPENERS: readonly number[] = [0x5d, 0x50, 0x58, 0x5e, 0x5f];


/** Invisible format characters; ZWNJ and ZWJ stay: scripts and emoji sequences need them. */
const FORMAT_CHARACTERS = /(?![\u200C\u200D])\p{Cf}/gu;
const LINE_SEPARATORS = /[\u2028\u2029]/g;
/** Every single character the rule refuses, for markControls (which parses no sequences). */
const REFUSED = /[\p{Cc}\u2028\u2029]|(?![\u200C\u200D])\p{Cf}|\p{Cs}/gu;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * `input` made safe to show to other callers, trimmed, at most `maxLength` code points cut between
 * graphemes. Total: any string in, a safe string out. An empty result means there is nothing to send.
 */
export function cleanText(input: string, maxLength: number): string {
  return capLength(visibleText(input).trim(), Math.floor(maxLength)).trimEnd();
}

/**
 * A pasted block: each line cleaned as cleanText does (and capped at `maxLength`), blank lines at
 * either end dropped, joined with "\n" — the only control character a message's text may hold.
 */
export function cleanLines(input: string, maxLength: number): string {
  const lines = input.split(/\r\n|\r|\n/).map((line) => cleanText(line, maxLength));
  while (lines.length > 0 && lines[0] === '') lines.shift();
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.join('\n');
}

/** `input` safe for one row of a screen: tabs and line breaks become spaces; not trimmed or capped. */
export function visibleText(input: string): string {
  return stripControls(input, ' ').replace(FORMAT_CHARACTERS, '').replace(LINE_SEPARATORS, ' ');
}

/** What a keystroke (or a paste into one line) inserts: as visibleText, tabs and line breaks dropped. */
export function typedText(input: string): string {
  return stripControls(input, '').replace(FORMAT_CHARACTERS, '').replace(LINE_SEPARATORS, '');
}

/** Each refused character replaced by `mark`, nothing parsed: for logs, which should show what came. */
export function markControls(input: string, mark: string): string {
  return input.replace(REFUSED, mark);
}

/** `input` without controls or escape sequences (with their payload); tabs and line breaks become `breakAs`. */
function stripControls(input: string, breakAs: string): string {
  let out = '';
  let runStart = 0;
  let i = 0;
  while (i < input.length) {
    const width = plainWidth(input, i);
    if (width > 0) {
      i += width;
      continue;
    }
    const [isBreak, next] = skipControl(input, i);
    out += input.slice(runStart, i) + (isBreak ? breakAs : '');
    i = runStart = next;
  }
  return out + input.slice(runStart);
}

/** How many code units of ordinary text start at i: 1, 2 for a surrogate pair, 0 for anything to drop. */
function plainWidth(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return 0;
  if (c >= 0xd800 && c <= 0xdbff) return inRange(s.charCodeAt(i + 1), 0xdc00, 0xdfff) ? 2 : 0;
  if (c >= 0xdc00 && c <= 0xdfff) return 0;
  return 1;
}

/** Whether the control at i is a tab or line break, and where ordinary text may resume. */
function skipControl(s: string, i: number): [boolean, number] {
  switch (s.charCodeAt(i)) {
    case TAB:
    case LF:
    case NEL:
      return [true, i + 1];
    case CR:
      return [true, s.charCodeAt(i + 1) === LF ? i + 2 : i + 1];
    case ESC:
      return [false, skipEscape(s, i + 1)];
    case C1_CSI:
      return [false, skipCsi(s, i + 1)];
    case C1_OSC:
    case C1_DCS:
    case C1_SOS:
    case C1_PM:
    case C1_APC:
      return [false, skipString(s, i + 1)];
    default:
      return [false, i + 1];
  }
}

/** i is just after ESC. A lone ESC (at the end, or before text that ends no sequence) goes alone. */
function skipEscape(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c === 0x5b) return skipCsi(s, i + 1);
  if (STRING_OPENERS.includes(c)) return skipString(s, i + 1);
  if (inRange(c, 0x20, 0x2f)) return skipFinal(s, skipWhile(s, i, 0x20, 0x2f), 0x30, 0x7e);
  if (inRange(c, 0x30, 0x7e)) return i + 1;
  return i;
}

/** CSI: parameter and intermediate bytes, then one final byte. */
function skipCsi(s: string, i: number): number {
  return skipFinal(s, skipWhile(s, i, 0x20, 0x3f), 0x40, 0x7e);
}

/** OSC, DCS, SOS, PM, APC: everything up to BEL or ST (ESC \ or U+009C); CAN and SUB cancel. */
function skipString(s: string, i: number): number {
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === BEL || c === C1_ST || c === CAN || c === SUB) return i + 1;
    if (c === ESC) return s.charCodeAt(i + 1) === BACKSLASH ? i + 2 : i;
  }
  return i;
}

function skipWhile(s: string, i: number, low: number, high: number): number {
  while (inRange(s.charCodeAt(i), low, high)) i++;
  return i;
}

function skipFinal(s: string, i: number, low: number, high: number): number {
  return inRange(s.charCodeAt(i), low, high) ? i + 1 : i;
}

function inRange(c: number, low: number, high: number): boolean {
  return c >= low && c <= high;
}

/**
 * At most maxLength code points, ending between two graphemes (so an accent or an emoji sequence is
 * kept whole or dropped whole). Only the first maxLength + 1 code points are segmented: a huge paste
 * costs no more than a short line. A single grapheme longer than the whole limit is cut anyway.
 */
function capLength(text: string, maxLength: number): string {
  if (maxLength <= 0) return '';
  const head = text.slice(0, codePointEnd(text, maxLength + 1));
  if (countCodePoints(head) <= maxLength) return head;
  let kept = 0;
  let end = 0;
  for (const { segment, index } of graphemes.segment(head)) {
    kept += countCodePoints(segment);
    if (kept > maxLength) break;
    end = index + segment.length;
  }
  return end > 0 ? head.slice(0, end) : head.slice(0, codePointEnd(head, maxLength));
}

/** The code-unit index just after the first `count` code points of s (or s.length). */
function codePointEnd(s: string, count: number): number {
  let i = 0;
  for (let n = 0; n < count && i < s.length; n++) i += codePointWidth(s, i);
  return i;
}

function countCodePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; n++) i += codePointWidth(s, i);
  return n;
}

function codePointWidth(s: string, i: number): number {
  return inRange(s.charCodeAt(i), 0xd800, 0xdbff) && inRange(s.charCodeAt(i + 1), 0xdc00, 0xdfff) ? 2 : 1;
}
