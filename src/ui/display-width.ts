/**
 * Text as a reader sees it: graphemes, their boundaries, words, and how many terminal columns
 * it takes. blessed measures width per UTF-16 unit with a 2015 table
 * and counts most emoji as 1 column where every modern terminal draws 2, so
 * anything we lay out by hand — input fields, centred lines — is measured here instead, one
 * grapheme (what a reader sees as one character) at a time.
 */
import stringWidth from 'string-width';

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Printable ASCII: one grapheme and one column per character, the common case made cheap. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** The graphemes of `text`, in order: "e\u0301" and "👍🏽" are one each. */
export function graphemes(text: string): string[] {
  if (PRINTABLE_ASCII.test(text)) return text.split('');
  return Array.from(segmenter.segment(text), (s) => s.segment);
}

/** Columns `text` takes on a modern terminal: CJK and emoji 2, combining marks 0. */
export function displayWidth(text: string): number {
  return PRINTABLE_ASCII.test(text) ? text.length : stringWidth(text);
}

/** The longest prefix of `text` (whole graphemes) that fits in `width` columns. */
export function truncateToWidth(text: string, width: number): string {
  let used = 0;
  let out = '';
  for (const g of graphemes(text)) {
    const w = stringWidth(g);
    if (used + w > width) break;
    used += w;
    out += g;
  }
  return out;
}

/** Offsets (UTF-16) of every grapheme boundary in `text`, 0 and text.length included. */
export function graphemeBoundaries(text: string): number[] {
  if (PRINTABLE_ASCII.test(text)) return Array.from({ length: text.length + 1 }, (_, i) => i);
  const offsets = [0];
  for (const s of segmenter.segment(text)) offsets.push(s.index + s.segment.length);
  return offsets;
}

const WORD_CHAR = /[\p{L}\p{N}_]/u;

/** Where the word before `at` starts (skipping the non-word characters right before `at`). */
export function previousWordStart(text: string, at: number): number {
  const before = graphemes(text.slice(0, at));
  let i = before.length;
  while (i > 0 && !WORD_CHAR.test(before[i - 1] ?? '')) i--;
  while (i > 0 && WORD_CHAR.test(before[i - 1] ?? '')) i--;
  return before.slice(0, i).join('').length;
}

/** Where the word after `at` ends (skipping the non-word characters right after `at`). */
export function nextWordEnd(text: string, at: number): number {
  const after = graphemes(text.slice(at));
  let i = 0;
  while (i < after.length && !WORD_CHAR.test(after[i] ?? '')) i++;
  while (i < after.length && WORD_CHAR.test(after[i] ?? '')) i++;
  return at + after.slice(0, i).join('').length;
}
