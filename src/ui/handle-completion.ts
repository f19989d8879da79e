/**
 * Tab completion of a handle in a typed line: the word before the cursor is completed from the
 * handles in the room. Pure, so the teleconference only applies the result.
 */

export interface Completion {
  /** The text before the cursor, with the word completed (as typed when nothing matched). */
  before: string;
  /** For the status line: the choices when several match, or that none did. */
  hint?: string;
}

/** Characters a handle is made of (see chat/text.ts): the word being completed is a run of them. */
const HANDLE_TAIL = /[A-Za-z0-9_-]*$/;

/**
 * One match is completed whole, followed by ": " when it is all there is on the line (addressing
 * someone) or by a space otherwise (`/msg bob `). Several are completed to their common start and
 * listed. Undefined when there is no word before the cursor to complete.
 */
export function completeHandle(
  before: string,
  after: string,
  lookup: (prefix: string) => readonly string[],
): Completion | undefined {
  const prefix = HANDLE_TAIL.exec(before)?.[0] ?? '';
  if (prefix === '') return undefined;
  const start = before.slice(0, before.length - prefix.length);
  const matches = uniqueMatches(lookup(prefix), prefix);
  if (matches.length === 0) return { before, hint: `No one here starts with "${prefix}".` };
  if (matches.length > 1) return { before: start + commonPrefix(matches), hint: `Tab: ${matches.join('  ')}` };
  const alone = start.trim() === '' && after === '';
  return { before: `${start}${matches[0]}${alone ? ': ' : ' '}` };
}

/** Handles matching `prefix` (any case), each once, in alphabetical order. */
function uniqueMatches(candidates: readonly string[], prefix: string): string[] {
  const lower = prefix.toLowerCase();
  const seen = new Map<string, string>();
  for (const handle of candidates) {
    const key = handle.toLowerCase();
    if (key.startsWith(lower) && !seen.has(key)) seen.set(key, handle);
  }
  return [...seen.values()].sort((a, b) => a.localeCompare(b));
}

/** The longest start all `words` share, ignoring case, spelled as the first word spells it. */
function commonPrefix(words: readonly string[]): string {
  const first = words[0] ?? '';
  let length = first.length;
  for (const word of words) {
    while (length > 0 && word.slice(0, length).toLowerCase() !== first.slice(0, length).toLowerCase()) length--;
  }
  return first.slice(0, length);
}
