/**
 * Callers who stop reading: `count` more callers join, then stop reading (their SSH streams are
 * paused, so what the board sends waits in their windows), and the busy room runs again. Compared
 * with a busy-room run just before they came (same room, same scrollbacks), the others' p99 shows
 * what they cost everyone else; RSS shows what they cost the board, split into joining (what any
 * caller costs) and being stalled through the run.
 */
import type { BoardProcess } from '../board-process.js';
import type { Crowd } from '../crowd.js';
import { delay, SETTLE_MS } from '../timing.js';
import { busyRoom, type BusyRoom } from './busy-room.js';

export interface StalledCallers {
  count: number;
  /** The busy room with everyone reading, just before the stalled callers came. */
  reference: BusyRoom;
  /** The same with them on and not reading; the latency is the readers' only. */
  withStalled: BusyRoom;
  /** RSS growth from their joining (measured after a settle, before the run), in KiB. */
  joinedKb: number;
  /** RSS growth over the run with them stalled, in KiB. */
  duringKb: number;
  /** Bytes waiting unread in their windows at the end, summed. */
  unreadBytes: number;
  /** How many the board still had connected at the end. */
  connected: number;
}

export async function stalledCallers(board: BoardProcess, crowd: Crowd, count: number, seconds: number): Promise<StalledCallers> {
  const reference = await busyRoom(board, crowd.callers, seconds, 'ref');
  const before = board.memory().rssKb;
  const stalled = (await crowd.dial(count)).map((joined) => joined.caller);
  try {
    for (const caller of stalled) caller.pause();
    await delay(SETTLE_MS);
    const joined = board.memory().rssKb;
    const withStalled = await busyRoom(board, crowd.callers, seconds, 'stl');
    return {
      count,
      reference,
      withStalled,
      joinedKb: joined - before,
      duringKb: board.memory().rssKb - joined,
      unreadBytes: stalled.reduce((sum, caller) => sum + caller.unreadBytes, 0),
      connected: stalled.filter((caller) => !caller.closed).length,
    };
  } finally {
    await Promise.all(stalled.map((caller) => caller.close()));
  }
}
