/**
 * Small helpers for measuring over time: waiting, and sampling the board's RSS while something
 * runs so a short-lived peak is not missed between two readings.
 */
import type { BoardProcess } from './board-process.js';

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Time for the board to finish what it was doing (renders, GC) before its memory is read. */
export const SETTLE_MS = 1500;

export interface MemorySampler {
  /** Stops sampling; the highest RSS seen, in KiB. */
  stop(): number;
}

export function sampleMemory(board: BoardProcess, intervalMs = 100): MemorySampler {
  let highest = board.memory().rssKb;
  const timer = setInterval(() => {
    highest = Math.max(highest, board.memory().rssKb);
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(highest, board.memory().rssKb);
    },
  };
}

/** Polls `condition` until it holds or `timeoutMs` passes; true when it held. */
export async function waitUntil(condition: () => boolean, timeoutMs: number, everyMs = 50): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) return false;
    await delay(everyMs);
  }
  return true;
}
