/**
 * An ssh2 shell channel made to look like the TTY blessed expects: rows and columns clamped to
 * sane bounds (ssh2 passes any uint32; a huge PTY would take the process down), isTTY and a no-op
 * setRawMode, 'resize' on window-change, and keystrokes passed through a byte budget so that a
 * paste or a flood costs the caller, not the board. Window-changes go through resize-throttle.ts
 * (a few layouts a second per screen, a shared budget per board, the last size wins). What ui/
 * needs is declared in ui/terminal.ts; this file only builds it.
 */
import { PassThrough } from 'node:stream';
import type { ServerChannel } from 'ssh2';
import type { Terminal } from '../ui/terminal.js';
import { createLayoutBudget, createResizeThrottle, type LayoutBudget } from './resize-throttle.js';

export const MIN_COLS = 20;
export const MAX_COLS = 500;
export const MIN_ROWS = 6;
export const MAX_ROWS = 200;
const DEFAULT_SIZE = { cols: 80, rows: 24 };

/** Input budget: a burst big enough for a pasted paragraph, then a steady rate well above typing. */
export const INPUT_BURST_BYTES = 8 * 1024;
export const INPUT_BYTES_PER_SECOND = 4 * 1024;
/** What a caller whose input went past the budget is told (once per overflow). */
export const INPUT_DROPPED_NOTICE =
  `Part of what you sent was dropped: the board takes at most ${INPUT_BURST_BYTES / 1024} KB at once, then ${INPUT_BYTES_PER_SECOND / 1024} KB a second. Please send less at a time.`;

export interface PtySize {
  cols: number;
  rows: number;
}

/** Any uint32 arrives from the client; 0 means "unknown" in the protocol. */
export function clampSize(cols: unknown, rows: unknown): PtySize {
  return {
    cols: clamp(cols, MIN_COLS, MAX_COLS, DEFAULT_SIZE.cols),
    rows: clamp(rows, MIN_ROWS, MAX_ROWS, DEFAULT_SIZE.rows),
  };
}

function clamp(value: unknown, min: number, max: number, fallback: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) return fallback;
  return Math.min(max, Math.max(min, Math.floor(value)));
}

export interface ChannelTerminal extends Terminal {
  /**
   * A window-change: clamped, then applied (rows/columns set, 'resize' emitted if the size really
   * changed) now, or when the throttle allows, with whatever size came last.
   */
  resize(cols: unknown, rows: unknown): void;
  /**
   * Input past the byte budget is dropped; `listener` hears of it once per overflow (with the
   * bytes dropped then), and again only after the budget has filled up since.
   */
  onInputDropped(listener: (bytes: number) => void): void;
  /** Stop forwarding input (teardown). */
  close(): void;
}

export interface TerminalOptions {
  now?: () => number;
  /** The board's shared layout budget (a private one when not given). */
  layouts?: LayoutBudget;
}

export function createChannelTerminal(channel: ServerChannel, term: string, size: PtySize, options: TerminalOptions = {}): ChannelTerminal {
  const now = options.now ?? Date.now;
  const output = channel as ServerChannel & { columns: number; rows: number; isTTY: boolean };
  output.columns = size.cols;
  output.rows = size.rows;
  output.isTTY = true;

  const input = new PassThrough() as PassThrough & { isTTY: boolean; setRawMode(mode: boolean): unknown };
  input.isTTY = true;
  input.setRawMode = () => input;

  let tokens = INPUT_BURST_BYTES;
  let last = now();
  /** An overflow was reported and the budget has not filled up since. */
  let overflowing = false;
  const droppedListeners: Array<(bytes: number) => void> = [];
  const onData = (chunk: Buffer) => {
    const t = now();
    tokens = Math.min(INPUT_BURST_BYTES, tokens + ((t - last) / 1000) * INPUT_BYTES_PER_SECOND);
    last = t;
    if (tokens >= INPUT_BURST_BYTES) overflowing = false;
    const allowed = Math.min(chunk.length, Math.floor(tokens));
    tokens -= allowed;
    if (allowed > 0) input.write(allowed === chunk.length ? chunk : chunk.subarray(0, allowed));
    if (allowed < chunk.length && !overflowing) {
      overflowing = true;
      for (const listener of droppedListeners) listener(chunk.length - allowed);
    }
  };
  channel.on('data', onData);

  const throttle = createResizeThrottle({
    now,
    budget: options.layouts ?? createLayoutBudget(undefined, now),
    apply(next) {
      if (next.cols === output.columns && next.rows === output.rows) return;
      output.columns = next.cols;
      output.rows = next.rows;
      output.emit('resize');
    },
  });

  return {
    input,
    output,
    term,
    resize: (cols, rows) => throttle.request(clampSize(cols, rows)),
    onInputDropped: (listener) => void droppedListeners.push(listener),
    close() {
      throttle.close();
      channel.off('data', onData);
      input.end();
    },
  };
}
