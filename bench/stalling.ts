/**
 * What the scenarios with callers who stop reading share: flipping a caller's view a page up and
 * down (each flip redraws its whole log, the quickest way to make the board send a lot), knowing
 * when a paused caller's window is full, and waiting for callers who read again to go quiet.
 */
import { performance } from 'node:perf_hooks';
import type { BenchCaller } from './caller.js';
import { waitUntil } from './timing.js';

export const PAGE_UP = '\x1b[5~';
export const PAGE_DOWN = '\x1b[6~';

export interface Flipping {
  /** Stops flipping and brings every view back to the bottom of the log. */
  stop(): void;
}

/**
 * Every `everyMs`, each caller for which `flips` holds (default: all) types `before(caller)` (if
 * given) followed by the next page key, up and down in turn.
 */
export function flipViews(
  callers: readonly BenchCaller[],
  everyMs: number,
  options: { flips?: (caller: BenchCaller) => boolean; before?: (caller: BenchCaller) => string } = {},
): Flipping {
  let page = 0;
  const timer = setInterval(() => {
    const key = page++ % 2 === 0 ? PAGE_UP : PAGE_DOWN;
    for (const caller of callers) if (options.flips?.(caller) ?? true) caller.type(`${options.before?.(caller) ?? ''}${key}`);
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      for (const caller of callers) caller.type(PAGE_DOWN);
    },
  };
}

/**
 * A check, to be asked again and again, of whether the board has stopped sending to paused
 * `caller`: at least `atLeast` bytes wait unread and none have been added for `forMs`.
 */
export function windowFull(caller: BenchCaller, atLeast: number, forMs: number): () => boolean {
  const steady = unchangedFor(() => caller.unreadBytes, forMs);
  return () => steady() && caller.unreadBytes >= atLeast;
}

/** Waits (at most `timeoutMs`) until none of `callers` has received anything for half a second; resolves with their bytes received, summed. */
export async function untilQuiet(callers: readonly BenchCaller[], timeoutMs: number): Promise<number> {
  await waitUntil(unchangedFor(() => bytesReceived(callers), 500), timeoutMs);
  return bytesReceived(callers);
}

/** What `callers` have received, summed. */
export function bytesReceived(callers: readonly BenchCaller[]): number {
  return callers.reduce((sum, caller) => sum + caller.bytesReceived, 0);
}

/** A check, to be asked again and again, that holds once `read()` has kept one value for `forMs`. */
function unchangedFor(read: () => number, forMs: number): () => boolean {
  let value = read();
  let since = performance.now();
  return () => {
    const now = read();
    if (now !== value) [value, since] = [now, performance.now()];
    return performance.now() - since >= forMs;
  };
}
