/**
 * Sessions held and memory per session: the crowd grows in steps (0 → 10 → 100 → …); after each
 * step the board settles and its RSS (every process of the board, summed) is read. Set-up time is
 * per caller, from the TCP connection to the teleconference on screen, with DIAL_CONCURRENCY
 * logins in flight: a crowd arriving together.
 *
 * RSS is read twice. Just after the callers arrived (1.5 s settle) it holds the garbage their
 * set-up made: V8 grows its heap rather than collect while allocation is brisk. Then the board is
 * left quiet until V8's memory reducer has run (it collects and gives pages back once allocation
 * has stayed low for a while, ~25 s here) or QUIET_MAX_MS has passed: that is the RSS of idle
 * callers, and the figure the per-caller target is about.
 */
import { performance } from 'node:perf_hooks';
import type { BoardProcess, GcPauses } from '../board-process.js';
import type { Crowd } from '../crowd.js';
import { summarize, type Summary } from '../stats.js';
import { delay, SETTLE_MS } from '../timing.js';

/** Longest wait for the memory reducer; RSS is sampled every second meanwhile. */
const QUIET_MAX_MS = 45_000;
/** RSS counts as settled after falling by this share and then holding for QUIET_HOLD_MS. */
const QUIET_DROP = 0.1;
const QUIET_HOLD_MS = 3_000;

export interface SessionStep {
  sessions: number;
  /** RSS just after the step (1.5 s settle). */
  rssKb: number;
  /** RSS once the board has been quiet (see above), and how long that took. */
  quietRssKb: number;
  quietMs: number;
  /** Board processes summed. */
  processes: number;
  /**
   * V8 heap in use (not collected first), in KiB, of the idle board only: Node's diagnostic report
   * (the way to read it from outside) blocked a board with 500 callers for ~45 s of CPU.
   */
  heapKb?: number;
  /** RSS growth per session since the previous step, in KiB. */
  perSessionKb?: number;
  /** RSS above the idle board's, per session held, in KiB: just after the step, and quiet. */
  perCallerKb?: number;
  perIdleCallerKb?: number;
  /** Per new caller: TCP connect → authenticated. */
  authenticated?: Summary;
  /** Per new caller: TCP connect → teleconference drawn. */
  teleconference?: Summary;
  /** Wall time to connect this step's callers, and the board's CPU time meanwhile. */
  wallMs: number;
  cpuMs: number;
  gc?: GcPauses;
}

/** The board before anyone calls: the step every other is measured from. */
export async function idleStep(board: BoardProcess): Promise<SessionStep> {
  await delay(SETTLE_MS);
  const memory = board.memory();
  const heapKb = (await board.heap()).usedKb;
  const quiet = await quietRss(board);
  return { sessions: 0, rssKb: memory.rssKb, ...quiet, processes: memory.processes, heapKb, wallMs: 0, cpuMs: 0 };
}

/** Waits (bounded) for the memory reducer: RSS fell and then held, or QUIET_MAX_MS passed. Keeps the lowest. */
export async function quietRss(board: BoardProcess): Promise<{ quietRssKb: number; quietMs: number }> {
  const started = performance.now();
  const first = board.memory().rssKb;
  let lowest = first;
  let lowestAt = started;
  while (performance.now() - started < QUIET_MAX_MS) {
    await delay(1000);
    const rss = board.memory().rssKb;
    if (rss < lowest) [lowest, lowestAt] = [rss, performance.now()];
    if (lowest < first * (1 - QUIET_DROP) && performance.now() - lowestAt >= QUIET_HOLD_MS) break;
  }
  return { quietRssKb: lowest, quietMs: performance.now() - started };
}

export async function growTo(board: BoardProcess, crowd: Crowd, target: number, previous: SessionStep, idle: SessionStep): Promise<SessionStep> {
  const cpuBefore = board.cpuMs();
  const started = performance.now();
  const times = await crowd.grow(target - crowd.size);
  const wallMs = performance.now() - started;
  const cpuMs = board.cpuMs() - cpuBefore;
  const gc = board.gcSince(started);
  await delay(SETTLE_MS);
  const memory = board.memory();
  const quiet = await quietRss(board);
  return {
    sessions: crowd.size,
    rssKb: memory.rssKb,
    ...quiet,
    processes: memory.processes,
    perSessionKb: (memory.rssKb - previous.rssKb) / (crowd.size - previous.sessions),
    perCallerKb: (memory.rssKb - idle.rssKb) / crowd.size,
    perIdleCallerKb: (quiet.quietRssKb - idle.quietRssKb) / crowd.size,
    authenticated: summarize(times.map((t) => t.authenticatedMs)),
    teleconference: summarize(times.map((t) => t.teleconferenceMs)),
    wallMs,
    cpuMs,
    gc,
  };
}
