/**
 * What chat traffic costs in memory: every screen keeps its own scrollback (up to 1000 lines), so
 * the board's live heap grows with lines × screens until the scrollback is full. Measured as the
 * JS heap after a full garbage collection, before and after a run of ordinary-length lines.
 *
 * The screens are filled first: a blank screen cell shares its storage until something is drawn
 * in it (ui/blessed-cells.ts), so the first screenful of lines costs each screen a one-time
 * amount (32 bytes a cell drawn, at most ~300 KiB on 120×40) that is not scrollback and would
 * be counted as if it were.
 */
import type { BoardProcess } from '../board-process.js';
import { SCREEN, type BenchCaller } from '../caller.js';
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
  await sendLines(callers, 'fill', SCREEN.rows);
  const before = await board.heap({ collect: true });
  await sendLines(callers, 'sb', lines);
  await delay(SETTLE_MS);
  const after = await board.heap({ collect: true });
  return {
    lines,
    screens: callers.length,
    lineChars: LINE_CHARS,
    bytesPerLinePerScreen: ((after.usedKb - before.usedKb) * 1024) / (lines * callers.length),
  };
}

/** The first caller sends `lines` lines; resolves once every screen shows the last. */
async function sendLines(callers: readonly BenchCaller[], tag: string, lines: number): Promise<void> {
  const sender = callers[0] as BenchCaller;
  const tracker = new DeliveryTracker(tag, callers);
  const last = tracker.expect(lines, ARRIVAL_TIMEOUT_MS);
  for (let first = 1; first <= lines; first += LINES_PER_WRITE) {
    const seqs = Array.from({ length: Math.min(LINES_PER_WRITE, lines - first + 1) }, (_, i) => first + i);
    sender.type(seqs.map((seq) => `${tracker.marker(seq)} ${randomWords(LINE_CHARS - tracker.marker(seq).length - 1)}\r`).join(''));
    await delay(WRITE_INTERVAL_MS);
  }
  await last;
  tracker.dispose();
}
