/**
 * Bracketed paste: with mode 2004 on, the caller's terminal wraps pasted text in ESC[200~ … ESC[201~.
 * blessed swallows those markers and types the text key by key, so a pasted paragraph would go out
 * as one message per line. This sits between the channel and blessed: it passes typed bytes on and
 * hands each pasted block to a handler whole (or, with no handler, passes its text on as typed).
 *
 * A paste whose end marker never comes (the client's bytes were cut short) ends after a quiet
 * second, so the caller's typing is never swallowed by a paste that will not finish.
 */
import { PassThrough } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { Terminal } from './terminal.js';

export const BRACKETED_PASTE_ON = '\x1b[?2004h';
export const BRACKETED_PASTE_OFF = '\x1b[?2004l';
const START = '\x1b[200~';
const END = '\x1b[201~';
/** Past this many characters a paste is counted, not kept: the caller is told its size. */
const KEPT_CHARACTERS = 64 * 1024;
const QUIET_END_MS = 1000;

export interface Paste {
  text: string;
  /** Characters pasted, including any past what was kept. */
  length: number;
}

export interface PasteDetector {
  /** The terminal to give blessed: the same, with pasted blocks taken out of its input. */
  terminal: Terminal;
  /** Only the latest handler is called; undefined passes pastes on as typed text. */
  onPaste(handler: ((paste: Paste) => void) | undefined): void;
  close(): void;
}

export function detectPastes(terminal: Terminal): PasteDetector {
  const input = new PassThrough() as PassThrough & { isTTY: boolean; setRawMode(mode: boolean): unknown };
  input.isTTY = true;
  input.setRawMode = () => input;
  const decoder = new StringDecoder('utf8');
  let handler: ((paste: Paste) => void) | undefined;
  let pasting: Paste | undefined;
  /** The end of a chunk that may be the start of a marker, kept for the next chunk. */
  let carry = '';
  let quiet: NodeJS.Timeout | undefined;

  const typed = (text: string) => {
    if (text !== '') input.write(text);
  };
  const finish = () => {
    clearTimeout(quiet);
    const paste = pasting;
    pasting = undefined;
    if (!paste) return;
    if (handler) handler(paste);
    else typed(paste.text);
  };
  const pasted = (text: string) => {
    if (!pasting) return;
    pasting.length += text.length;
    if (pasting.text.length < KEPT_CHARACTERS) pasting.text += text.slice(0, KEPT_CHARACTERS - pasting.text.length);
  };

  const onData = (chunk: Buffer | string) => {
    let text = carry + (typeof chunk === 'string' ? chunk : decoder.write(chunk));
    carry = '';
    while (text !== '') {
      const marker = pasting ? END : START;
      const at = text.indexOf(marker);
      if (at < 0) {
        // A lone ESC at the end of typed text is the Esc key, not half a marker: pass it on now.
        const keep = partialMarkerLength(text, marker, pasting ? 1 : 2);
        (pasting ? pasted : typed)(text.slice(0, text.length - keep));
        carry = text.slice(text.length - keep);
        break;
      }
      (pasting ? pasted : typed)(text.slice(0, at));
      text = text.slice(at + marker.length);
      if (pasting) finish();
      else pasting = { text: '', length: 0 };
    }
    clearTimeout(quiet);
    if (pasting) quiet = setTimeout(finish, QUIET_END_MS);
  };
  terminal.input.on('data', onData);
  terminal.input.on('end', () => input.end());

  return {
    terminal: { input, output: terminal.output, term: terminal.term },
    onPaste(next) {
      handler = next;
    },
    close() {
      clearTimeout(quiet);
      terminal.input.removeListener('data', onData);
      input.end();
    },
  };
}

/** How many characters (at least `least`) at the end of `text` are the start of `marker`; else 0. */
function partialMarkerLength(text: string, marker: string, least: number): number {
  for (let n = Math.min(marker.length - 1, text.length); n >= least; n--) {
    if (text.endsWith(marker.slice(0, n))) return n;
  }
  return 0;
}

/**
 * Where a paste goes, given what is already typed: one line is typed into the input line; several
 * go out at once as one message (with what was typed as its first line); over a limit, nothing is
 * sent and the reason names the limit.
 */
export function placePaste(
  paste: Paste,
  typed: string,
  limits: { maxLength: number; maxLines: number },
): { kind: 'typed'; line: string } | { kind: 'block'; block: string } | { kind: 'refused'; reason: string } {
  const lines = paste.text.replace(/(\r\n|\r|\n)+$/, '').split(/\r\n|\r|\n/);
  lines[0] = typed + (lines[0] ?? '');
  const first = lines[0];
  if (lines.length === 1 && first.length > limits.maxLength && KEY_PASTE.test(first)) return placeKeyPaste(first, paste);
  const tooLong = paste.length > paste.text.length || lines.some((line) => line.length > limits.maxLength);
  if (tooLong || lines.length > limits.maxLines) {
    const size = `${lines.length} ${lines.length === 1 ? 'line' : 'lines'}, ${paste.length} characters`;
    return { kind: 'refused', reason: `Your paste was not sent (${size}). Limit: ${limits.maxLines} lines of ${limits.maxLength} characters.` };
  }
  return lines.length === 1 ? { kind: 'typed', line: lines[0] ?? '' } : { kind: 'block', block: lines.join('\n') };
}

/**
 * A public key pasted after "/keys add": a 4096-bit RSA .pub line is about 740 characters, past a
 * chat line's limit, so such a paste has a limit of its own and goes out at once, whole.
 */
const KEY_PASTE = /^\/keys\s+add\s/i;
export const MAX_KEY_PASTE = 4096;

function placeKeyPaste(line: string, paste: Paste): { kind: 'block'; block: string } | { kind: 'refused'; reason: string } {
  if (paste.length > paste.text.length || line.length > MAX_KEY_PASTE) {
    return { kind: 'refused', reason: `Your key was not added (${line.length} characters). Limit for /keys add: ${MAX_KEY_PASTE} characters.` };
  }
  return { kind: 'block', block: line };
}
