/**
 * Sessions held and memory per session: the crowd grows in steps (0 → 10 → 100 → …); after each
 * step the board settles and its RSS (every process of the board, summed) is read. Set-up time is
 * per caller, from the TCP connection to the teleconference on screen, with DIAL_CONCURRENCY
 * logins in flight: a crowd arriving together.
 */
import { performance } from 'node:perf_hooks';
import type { BoardProcess, GcPauses } from '../board-process.js';
import type { Crowd } from '../crowd.js';
import { summarize, type Summary } from '../stats.js';
import { delay, SETTLE_MS } from '../timing.js';

export interface SessionStep {
  sessions: number;
  rssKb: number;
  /** Board processes summed. */
  processes: number;
  /** V8 heap in use (not collected first), in KiB; the main process only. */
  heapKb: number;
  /** RSS growth per session since the previous step, in KiB. */
  perSessionKb?: number;
  /** RSS above the idle board's, per session held, in KiB. */
  perCallerKb?: number;
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
  return { sessions: 0, rssKb: memory.rssKb, processes: memory.processes, heapKb: (await board.heap()).usedKb, wallMs: 0, cpuMs: 0 };
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
  return {
    sessions: crowd.size,
    rssKb: memory.rssKb,
    processes: memory.processes,
    heapKb: (await board.heap()).usedKb,
    perSessionKb: (memory.rssKb - previous.rssKb) / (crowd.size - previous.sessions),
    perCallerKb: (memory.rssKb - idle.rssKb) / crowd.size,
    authenticated: summarize(times.map((t) => t.authenticatedMs)),
    teleconference: summarize(times.map((t) => t.teleconferenceMs)),
    wallMs,
    cpuMs,
    gc,
  };
}
