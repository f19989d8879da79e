/**
 * What the rest of the board sees of a caller's teleconference screen: how it is made and what
 * it can be asked. The screen itself is in teleconference.ts.
 */
import type { ChatMessage } from '../chat/messages.js';
import type { LogRows } from './log-rows.js';
import type { MinuteTicker } from './minute-ticker.js';
import type { BbsScreen } from './screen.js';

export interface TeleconferenceOptions {
  screen: BbsScreen;
  bbsName: string;
  handle: string;
  node: number;
  maxMessageLength: number;
  /** Most lines a pasted block may have (it goes out as one message). */
  maxPasteLines: number;
  now: () => number;
  /** How many are in the room, for the title bar. */
  roomCount(): number;
  /** Handles in the room starting with `prefix` (any case), for Tab. */
  completions(prefix: string): string[];
  /** IANA zone for every HH:MM; the server's own zone when omitted. */
  timeZone?: string;
  /** The caller chose timeZone (/tz): name it in the title bar. */
  showZone?: boolean;
  /** Lines kept for scrollback (default 1000). */
  scrollback?: number;
  /** Typed lines kept for Up/Down recall (default 50). */
  inputHistory?: number;
  /** The board's cache of encoded log rows, shared by every screen; one of its own when omitted. */
  rows?: LogRows;
  /** The board's minute ticker for the title bar's clock; one of its own (on `now`) when omitted. */
  minutes?: MinuteTicker;
}

export interface Teleconference {
  /** Appends a message; rings this caller's bell for a page or direct message to them. */
  show(message: ChatMessage, options?: { earlier?: boolean }): void;
  /** Replays the room's recent messages, dimmed, between two dividers. Nothing for none. */
  showHistory(messages: readonly ChatMessage[]): void;
  /**
   * A bracketed paste. One line is typed into the input line; several go out at once as one
   * message (with what was already typed as its first line). Over a limit, nothing is sent and the
   * caller is told the limit.
   */
  paste(paste: { text: string; length: number }): void;
  /** Draws the title again (the head count changed while this caller waits outside the room). */
  refresh(): void;
  /** Times from now on in this zone (named in the title bar); undefined: the board's own. */
  setTimeZone(zone: string | undefined): void;
  /**
   * Asks for a password on the input line, masked, kept out of the line history; resolves with it,
   * or undefined on Esc, Ctrl-C or the screen going away. The masked line stays (keys typed ahead
   * are kept for the next question) until endSecret().
   */
  askSecret(prompt: string): Promise<string | undefined>;
  endSecret(): void;
  /** Enter: the typed line, possibly empty. A pasted block's lines are joined with "\n". */
  onLine(handler: (line: string) => void): void;
  /** Ctrl-D on an empty line, or Ctrl-C on an empty line answered with y. Called once. */
  onLeave(handler: () => void): void;
  /** Idempotent. Removes this screen's status line, rows, timer and listeners; the BbsScreen stays. */
  destroy(): void;
}
