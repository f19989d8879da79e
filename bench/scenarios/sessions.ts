/**
 * Sessions held and memory per session: callers connect in steps (0 → 25 → 50 → …); after each
 * step the board settles and its RSS is read. Set-up time is per caller, from the TCP connection to
 * the teleconference on screen, with DIAL_CONCURRENCY logins in flight.
 */
import { performance } from 'node:perf_hooks';
import type { BoardProcess, GcPauses } from '../board-process.js';
import type { Crowd } from '../crowd.js';
import { summarize, type Summary } from '../stats.js';
import { delay, SETTLE_MS } from '../timing.js';

export interface SessionStep {
  sessions: number;
  rssKb: number;
  /** V8 heap in use (not collected first), in KiB. */
  heapKb: number;
  /** RSS growth per session since the previous step, in KiB. */
  perSessionKb?: number;
  /** Per new caller: TCP connect → authenticated. */
  authenticated?: Summary;
  /** Per new caller: TCP connect → teleconference drawn. */
  teleconference?: Summary;
  /** Wall time to connect this step's callers, and the board's CPU time meanwhile. */
  wallMs: number;
  cpuMs: number;
  gc?: GcPauses;
}

export async function holdSessions(board: BoardProcess, crowd: Crowd, targets: readonly number[]): Promise<SessionStep[]> {
  await delay(SETTLE_MS);
  const steps: SessionStep[] = [{ sessions: crowd.size, rssKb: board.memory().rssKb, heapKb: (await board.heap()).usedKb, wallMs: 0, cpuMs: 0 }];
  for (const target of targets) {
    const previous = steps[steps.length - 1] as SessionStep;
    if (target <= previous.sessions) continue;
    const cpuBefore = board.cpuMs();
    const started = performance.now();
    const times = await crowd.grow(target - previous.sessions);
    const wallMs = performance.now() - started;
    const cpuMs = board.cpuMs() - cpuBefore;
    const gc = board.gcSince(started);
    await delay(SETTLE_MS);
    const rssKb = board.memory().rssKb;
    steps.push({
      sessions: crowd.size,
      rssKb,
      heapKb: (await board.heap()).usedKb,
      perSessionKb: (rssKb - previous.rssKb) / (crowd.size - previous.sessions),
      authenticated: summarize(times.map((t) => t.authenticatedMs)),
      teleconference: summarize(times.map((t) => t.teleconferenceMs)),
      wallMs,
      cpuMs,
      gc,
    });
  }
  return steps;
}
