/**
 * A slow caller costs only itself. One sender types 500 lines (10 per write, 10 writes a second:
 * the flood gate's full rate) and the others' screens are timed per write, three times: with
 * everyone reading, with one extra caller who has stopped reading and whose SSH window is full,
 * and with everyone reading again once that caller has gone.
 *
 * Filling a window takes volume: it is 2 MiB, and blessed redraws only the cells that changed, so
 * a frame of short chat lines is a few KiB. The stalled caller therefore has the largest PTY the
 * board accepts and, before it stops reading, sends long private messages to one other caller
 * (each is drawn on its own screen too), paging its view up and down between them so that every
 * frame redraws its whole log, until its unread bytes stop growing. Private messages
 * keep that traffic off everyone else's screens and out of their scrollback.
 */
import { performance } from 'node:perf_hooks';
import type { BoardProcess, GcPauses } from '../board-process.js';
import { BenchCaller } from '../caller.js';
import type { Crowd } from '../crowd.js';
import { DeliveryTracker, type Arrival } from '../delivery.js';
import { summarize, type Summary } from '../stats.js';
import { delay, sampleMemory, SETTLE_MS, waitUntil } from '../timing.js';
import { flipViews, untilQuiet, windowFull } from '../stalling.js';
import { randomWords } from '../words.js';

const LINES = 500;
const LINES_PER_WRITE = 10;
const WRITE_INTERVAL_MS = 100;
const ARRIVAL_TIMEOUT_MS = 20_000;
/** The board's clamp (src/ssh/terminal.ts): a big screen makes big frames. */
export const STALLED_SIZE = { cols: 500, rows: 200 };
/** ssh2's channel window and readable high-water mark. */
const SSH_WINDOW_BYTES = 2 * 1024 * 1024;
/** A private message of this many characters every FILL_INTERVAL_MS: ~3.5 KB/s, inside the board's input budget. */
const FILL_LINE_CHARS = 200;
const FILL_INTERVAL_MS = 60;
const FILL_TIMEOUT_MS = 20_000;
/** How long a caller that reads again is given to show the latest line by itself. */
const CATCH_UP_TIMEOUT_MS = 5_000;
/** How long its reading everything again may take to go quiet. */
const QUIET_TIMEOUT_MS = 10_000;

export interface Chatter {
  /** Per write: sent → every reading caller's screen shows its last line. */
  latency?: Summary;
  missed: number;
  rssBeforeKb: number;
  rssPeakKb: number;
  rssAfterKb: number;
  cpuMs: number;
  wallMs: number;
  gc: GcPauses;
}

export interface Stalled {
  /** How long its private messages took to fill its window; undefined when it did not fill. */
  filledMs?: number;
  /** Bytes it had received but not read when it started reading again. */
  unreadBytes: number;
  /** Bytes the board sent after it read again, beyond what was already waiting: what it held back, plus one fresh frame. */
  sentAfterResume: number;
  /** Whether the board still had it connected at the end. */
  connected: boolean;
  /** Reading again → its screen shows the last line; undefined when it did not within CATCH_UP_TIMEOUT_MS. */
  catchUpMs?: number;
  /** When it did not: one more line in the room → its screen shows that line. */
  nudgedMs?: number;
}

export interface SlowCallerResult {
  reading: Chatter;
  withStalled: Chatter;
  /** Everyone reading once more, after the stalled caller has gone: the scrollbacks are fuller
   * now (more heap, longer collections), so this, not `reading`, is what `withStalled` compares to. */
  readingAgain: Chatter;
  stalled: Stalled;
}

export async function slowCaller(board: BoardProcess, crowd: Crowd): Promise<SlowCallerResult> {
  const reading = await chatter(board, new DeliveryTracker('calm', crowd.callers));
  const { withStalled, stalled } = await withStalledCaller(board, crowd);
  const readingAgain = await chatter(board, new DeliveryTracker('again', crowd.callers));
  return { reading, withStalled, readingAgain, stalled };
}

async function withStalledCaller(board: BoardProcess, crowd: Crowd): Promise<{ withStalled: Chatter; stalled: Stalled }> {
  const account = crowd.takeAccount();
  const { caller } = await BenchCaller.connect({ port: board.port, handle: account.handle, privateKey: account.privateKey, localAddress: account.localAddress, ...STALLED_SIZE });
  try {
    caller.pause();
    const filledMs = await fillWindow(caller, crowd.callers[crowd.size - 1] as BenchCaller);
    await delay(SETTLE_MS);
    // The stalled caller is not one of the crowd: the tracker does not wait for it, but catchUp
    // looks on its screen for this tracker's markers.
    const tracker = new DeliveryTracker('stall', crowd.callers);
    const withStalled = await chatter(board, tracker);
    const caughtUp = await catchUp(caller, crowd.callers[0] as BenchCaller, tracker);
    return { withStalled, stalled: { filledMs, ...caughtUp } };
  } finally {
    await caller.close();
  }
}

/** The tracker's first caller sends; every one of its callers is waited for. */
async function chatter(board: BoardProcess, tracker: DeliveryTracker): Promise<Chatter> {
  const sender = tracker.callers[0] as BenchCaller;
  const rssBeforeKb = board.memory().rssKb;
  const memory = sampleMemory(board);
  const cpuBefore = board.cpuMs();
  const started = performance.now();
  const arrivals: Array<Promise<Arrival>> = [];
  for (let first = 1; first <= LINES; first += LINES_PER_WRITE) {
    const seqs = Array.from({ length: Math.min(LINES_PER_WRITE, LINES - first + 1) }, (_, i) => first + i);
    arrivals.push(tracker.expect(seqs[seqs.length - 1] as number, ARRIVAL_TIMEOUT_MS));
    sender.type(seqs.map((seq) => `${tracker.marker(seq)}\r`).join(''));
    await delay(WRITE_INTERVAL_MS);
  }
  const done = await Promise.all(arrivals);
  const wallMs = performance.now() - started;
  const cpuMs = board.cpuMs() - cpuBefore;
  const rssPeakKb = memory.stop();
  const gc = board.gcSince(started);
  tracker.dispose();
  await delay(SETTLE_MS);
  const complete = done.filter((a) => a.missing === 0);
  return {
    latency: summarize(complete.map((a) => a.lastMs)),
    missed: done.length - complete.length,
    rssBeforeKb,
    rssPeakKb,
    rssAfterKb: board.memory().rssKb,
    cpuMs,
    wallMs,
    gc,
  };
}

/** Returns how long filling took, or undefined when the window was not full by FILL_TIMEOUT_MS. */
async function fillWindow(stalled: BenchCaller, recipient: BenchCaller): Promise<number | undefined> {
  const started = performance.now();
  const full = windowFull(stalled, SSH_WINDOW_BYTES, 500);
  // The board scrolls the terminal for a new line, so new lines alone are cheap; flipping the view
  // a page up and back down with every message makes each frame redraw the whole (500×200) log.
  const flipping = flipViews([stalled], FILL_INTERVAL_MS, { before: () => `/msg ${recipient.handle} ${randomWords(FILL_LINE_CHARS)}\r` });
  try {
    return (await waitUntil(full, FILL_TIMEOUT_MS)) ? performance.now() - started : undefined;
  } finally {
    flipping.stop();
  }
}

/**
 * The stalled caller reads again. Its screen should catch up by itself (the board promises one
 * fresh render once the channel drains); if it has not within CATCH_UP_TIMEOUT_MS, one more line
 * in the room shows whether it was only waiting for a reason to draw.
 */
async function catchUp(stalled: BenchCaller, sender: BenchCaller, markers: DeliveryTracker): Promise<Omit<Stalled, 'filledMs'>> {
  const unreadBytes = stalled.unreadBytes;
  if (stalled.closed) return { unreadBytes, sentAfterResume: 0, connected: false };
  const before = stalled.bytesReceived;
  const resumed = performance.now();
  const shown = stalled.until({ kind: 'text', includes: markers.marker(LINES) }, CATCH_UP_TIMEOUT_MS).then(
    (at) => at - resumed,
    () => undefined,
  );
  stalled.resume();
  const catchUpMs = await shown;
  const sentAfterResume = (await untilQuiet([stalled], QUIET_TIMEOUT_MS)) - before - unreadBytes;
  if (catchUpMs !== undefined || stalled.closed) return { unreadBytes, sentAfterResume, connected: !stalled.closed, catchUpMs };
  const nudged = performance.now();
  const nudge = stalled.until({ kind: 'text', includes: markers.marker(LINES + 1) }, CATCH_UP_TIMEOUT_MS).then(
    (at) => at - nudged,
    () => undefined,
  );
  sender.type(`${markers.marker(LINES + 1)}\r`);
  return { unreadBytes, sentAfterResume, connected: !stalled.closed, nudgedMs: await nudge };
}
