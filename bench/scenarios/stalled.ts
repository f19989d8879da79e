/**
 * Callers who stop reading: `count` more callers join, and the busy room runs in interleaved
 * rounds, first with them reading, then with them stalled (their SSH streams paused, so what the
 * board sends waits in their windows; they read it all again before the next round). Single runs
 * at a thousand callers differ by a third in p99 from one to the next (70.8 and 100.7 ms in one
 * bench run, same room), so one run each could not show a 10% effect; the median of STALLED_ROUNDS
 * pairs can. Stalled against reading shows what a caller who stops reading costs everyone else
 * beyond what any caller costs; against the run before they came, what they cost in all. RSS
 * shows what they cost the board: as they join, and the peak of a run with them stalled against
 * one with them reading.
 */
import type { BoardProcess } from '../board-process.js';
import type { BenchCaller } from '../caller.js';
import type { Crowd } from '../crowd.js';
import { delay, SETTLE_MS } from '../timing.js';
import { busyRoom, type BusyRoom } from './busy-room.js';

export const STALLED_ROUNDS = 3;

export interface StalledCallers {
  count: number;
  /** The busy room with everyone reading, just before they came. */
  before: BusyRoom;
  /** One per round, with them on and reading; the latency is the crowd's only. */
  reading: BusyRoom[];
  /** One per round, with them on and not reading; the latency is the crowd's only. */
  stalled: BusyRoom[];
  /** RSS growth from their joining (measured after a settle, before the rounds), in KiB. */
  joinedKb: number;
  /** Bytes waiting unread in their windows at the end of each stalled run, summed over them. */
  unreadBytes: number[];
  /** How many the board still had connected at the end. */
  connected: number;
}

export async function stalledCallers(board: BoardProcess, crowd: Crowd, count: number, seconds: number): Promise<StalledCallers> {
  const before = await busyRoom(board, crowd.callers, seconds, 'ref');
  const rssBefore = board.memory().rssKb;
  const newcomers = (await crowd.dial(count)).map((joined) => joined.caller);
  try {
    await delay(SETTLE_MS);
    const result: StalledCallers = {
      count,
      before,
      reading: [],
      stalled: [],
      joinedKb: board.memory().rssKb - rssBefore,
      unreadBytes: [],
      connected: 0,
    };
    for (let round = 0; round < STALLED_ROUNDS; round++) {
      result.reading.push(await busyRoom(board, crowd.callers, seconds, `rd${round}`));
      await stalledRun(board, crowd, newcomers, seconds, round, result);
    }
    result.connected = newcomers.filter((caller) => !caller.closed).length;
    return result;
  } finally {
    await Promise.all(newcomers.map((caller) => caller.close()));
  }
}

/** One run with `newcomers` not reading; they read everything again afterwards. */
async function stalledRun(board: BoardProcess, crowd: Crowd, newcomers: BenchCaller[], seconds: number, round: number, into: StalledCallers): Promise<void> {
  for (const caller of newcomers) caller.pause();
  into.stalled.push(await busyRoom(board, crowd.callers, seconds, `st${round}`));
  into.unreadBytes.push(newcomers.reduce((sum, caller) => sum + caller.unreadBytes, 0));
  for (const caller of newcomers) caller.resume();
}
