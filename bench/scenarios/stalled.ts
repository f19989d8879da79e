/**
 * Callers who stop reading: `count` callers of the room (never the senders) stop reading, and the
 * busy room runs in interleaved rounds, first with them reading, then with them stalled. The
 * latency is always the other callers' only, the same callers in every run.
 *
 * A caller who stops reading costs the board nothing until its SSH window (2 MiB) is full: until
 * then the board's writes are accepted as if it read. The busy room sends a caller ~15 KiB in a
 * run, so before each stalled run their windows are filled: each flips its view a page up and
 * down (every flip redraws its whole log) until its unread bytes stop growing. From then on the
 * board holds back their frames, which is what the run measures: what that costs everyone else,
 * and what the board keeps for them. After the run they read everything again. Each run with them
 * reading follows the same flipping, with them reading.
 *
 * Single runs at a thousand callers differ by a third in p99 from one to the next, so one run
 * each could not show a 10% effect; the median of STALLED_ROUNDS pairs is steadier, and the
 * report gives every round's figure beside it.
 */
import { performance } from 'node:perf_hooks';
import type { BoardProcess } from '../board-process.js';
import type { BenchCaller } from '../caller.js';
import type { Crowd } from '../crowd.js';
import { delay, SETTLE_MS, waitUntil } from '../timing.js';
import { bytesReceived, flipViews, untilQuiet, windowFull } from '../stalling.js';
import { busyRoom, type BusyRoom } from './busy-room.js';

export const STALLED_ROUNDS = 3;
/**
 * ssh2 tops the SSH window (2 MiB) up whenever it falls to 1 MiB: a caller who stops reading has
 * at least this much left, which the board may send before it must wait.
 */
const WINDOW_LEFT_BYTES = 1024 * 1024;
/** Unread bytes that have not grown for this long while flipping: the board is holding back. */
const HELD_AFTER_MS = 1000;
/** A page flip every this often: a little over the board's frame interval, so each flip is drawn. */
const FLIP_MS = 40;
/**
 * Filling is given this long. The board hangs up on a caller whose window stays full for 60 s, and
 * the first to fill wait for the last, then the run: 35 + 1.5 + 10 s stays under it.
 */
const FILL_TIMEOUT_MS = 35_000;
const CATCH_UP_TIMEOUT_MS = 30_000;
/** About as long as filling takes at 200 and at 1,000 callers (20-25 s). */
const FLIP_WHILE_READING_MS = 20_000;

export interface StalledCallers {
  count: number;
  /** One per round, with them reading; the latency is the other callers' only. */
  reading: BusyRoom[];
  /** One per round, with them stalled and their windows full; the same callers' latency. */
  stalled: BusyRoom[];
  /** Per round: how many of them had a full window when the stalled run began, and how long filling took. */
  filled: Array<{ callers: number; ms: number }>;
  /** Per round: bytes waiting unread in their windows when they read again, summed over them. */
  unreadBytes: number[];
  /**
   * Per round: what the board sent them after they read again, beyond what waited in their
   * windows, summed: what it had held back for them, plus the one fresh screen each is then drawn.
   */
  heldBytes: number[];
  /** How many the board still had connected at the end. */
  connected: number;
}

/** How many of a room of `roomSize` stop reading: two senders and at least one other reader stay reading. */
export function stallingCount(roomSize: number, wanted: number): number {
  const count = Math.min(wanted, roomSize - 3);
  if (count < 1) throw new Error(`bench: the stalled callers need a room of at least 4 (it has ${roomSize})`);
  return count;
}

export async function stalledCallers(board: BoardProcess, crowd: Crowd, wanted: number, seconds: number): Promise<StalledCallers> {
  const count = stallingCount(crowd.size, wanted);
  const stalling = crowd.callers.slice(-count);
  const others = crowd.callers.slice(0, -count);
  const result: StalledCallers = { count, reading: [], stalled: [], filled: [], unreadBytes: [], heldBytes: [], connected: 0 };
  for (let round = 0; round < STALLED_ROUNDS; round++) {
    await flipWhileReading(stalling);
    result.reading.push(await busyRoom(board, others, seconds, `rd${round}`));
    for (const caller of stalling) caller.pause({ asOpenSsh: true });
    result.filled.push(await fillWindows(stalling));
    await delay(SETTLE_MS);
    result.stalled.push(await busyRoom(board, others, seconds, `st${round}`));
    const { unread, held } = await readAgain(stalling);
    result.unreadBytes.push(unread);
    result.heldBytes.push(held);
  }
  result.connected = stalling.filter((caller) => !caller.closed).length;
  return result;
}

/**
 * The same flipping before a run with them reading, for about as long as filling takes: the board
 * has drawn as much in both kinds of run (and has as much garbage to collect), and they differ
 * only in whether these callers read.
 */
async function flipWhileReading(callers: BenchCaller[]): Promise<void> {
  const flipping = flipViews(callers, FLIP_MS);
  await delay(FLIP_WHILE_READING_MS);
  flipping.stop();
  await caughtUp(callers);
}

/** Flips each paused caller's view until its window is full: its unread bytes stop growing though it flips. */
async function fillWindows(callers: BenchCaller[]): Promise<{ callers: number; ms: number }> {
  const started = performance.now();
  const checks = new Map(callers.map((caller) => [caller, windowFull(caller, WINDOW_LEFT_BYTES, HELD_AFTER_MS)]));
  const full = (caller: BenchCaller) => caller.closed || checks.get(caller)!();
  const flipping = flipViews(callers, FLIP_MS, { flips: (caller) => !full(caller) });
  try {
    await waitUntil(() => callers.every(full), FILL_TIMEOUT_MS);
    return { callers: callers.filter((caller) => !caller.closed && full(caller)).length, ms: performance.now() - started };
  } finally {
    flipping.stop();
  }
}

/** They read again, until nothing has arrived for half a second. */
async function readAgain(callers: BenchCaller[]): Promise<{ unread: number; held: number }> {
  const unread = callers.reduce((sum, caller) => sum + caller.unreadBytes, 0);
  const before = bytesReceived(callers);
  for (const caller of callers) caller.resume();
  const after = await untilQuiet(callers, CATCH_UP_TIMEOUT_MS);
  await caughtUp(callers);
  return { unread, held: after - before - unread };
}

/**
 * The screen threads parse what was read (~2 MiB each) after it is counted: the next run must not
 * wait behind that. A screen's text is answered once everything before it is parsed.
 */
async function caughtUp(callers: BenchCaller[]): Promise<void> {
  await Promise.all(callers.map((caller) => caller.screen()));
  await delay(SETTLE_MS);
}
