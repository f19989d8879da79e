/**
 * What chat traffic costs in memory: every screen keeps its own scrollback (up to 1000 lines), so
 * the board's live heap grows with lines × screens until the scrollback is full. Measured as the
 * JS heap after a full garbage collection, before and after a run of ordinary-length lines.
 */
import type { BoardProcess } from '../board-process.js';
import type { BenchCaller } from '../caller.js';
import { DeliveryTracker } from '../delivery.js';
import { delay, SETTLE_MS } from '../timing.js';
import { randomWords } from '../words.js';

/** 5 lines of 60 characters per write, 10 writes a second: 3 KB/s, inside the board's input budget. */
const LINE_CHARS = 60;
const LINES_PER_WRITE = 5;
const WRITE_INTERVAL_MS = 100;
const ARRIVAL_TIMEOUT_MS = 20_000;

export interface Scrollback {
  lines: number;
  screens: number;
  lineChars: number;
  /** Growth of the collected heap per line per screen, in bytes. */
  bytesPerLinePerScreen: number;
}

export async function scrollbackCost(board: BoardProcess, callers: readonly BenchCaller[], lines: number): Promise<Scrollback> {
  const sender = callers[0] as BenchCaller;
  const before = await board.heap({ collect: true });
  const tracker = new DeliveryTracker('sb', callers);
  const last = tracker.expect(lines, ARRIVAL_TIMEOUT_MS);
  for (let first = 1; first <= lines; first += LINES_PER_WRITE) {
    const seqs = Array.from({ length: Math.min(LINES_PER_WRITE, lines - first + 1) }, (_, i) => first + i);
    sender.type(seqs.map((seq) => `${tracker.marker(seq)} ${randomWords(LINE_CHARS - 8)}\r`).join(''));
    await delay(WRITE_INTERVAL_MS);
  }
  await last;
  tracker.dispose();
  await delay(SETTLE_MS);
  const after = await board.heap({ collect: true });
  return {
    lines,
    screens: callers.length,
    lineChars: LINE_CHARS,
    bytesPerLinePerScreen: ((after.usedKb - before.usedKb) * 1024) / (lines * callers.length),
  };
}
