/**
 * Window-change throttling. A re-layout allocates new cell buffers and redraws the whole screen,
 * so a client sending window-changes as fast as it can would make the board do that work for
 * each one. Two limits, both keeping only the last size asked for:
 * - per screen: at most one layout per interval (a dragged window still follows smoothly);
 * - per board: a shared budget of layouts per second, so many resizing callers together cost
 *   the board a bounded amount, and the callers who are only talking do not wait behind them.
 *   Each process of the board takes its share of it.
 */
import type { PtySize } from './terminal.js';

/** Layouts at most every this many ms per screen. */
export const RESIZE_INTERVAL_MS = 250;
/**
 * Layouts per second for the whole board, shared by its processes. A layout with its full redraw
 * holds a process's event loop for ~2-3 ms (a 120×40 screen), and every line that arrives
 * meanwhile reaches that process's screens as much later. At 2 a second per process that is under
 * 1% of the time, too little to move the 99th percentile of everyone else's lines, whatever the
 * resizing callers do. Evenly spaced, none saved up: a burst of layouts back to back would hold
 * the loop for all of them at once. One caller dragging a window alone gets a layout every
 * 250 ms on a board of one process, every 500 ms on one of two.
 */
export const BOARD_LAYOUTS_PER_SECOND = 4;

export interface LayoutBudget {
  /** Takes one layout if one is free now (returns 0), else says how many ms until one is. */
  take(): number;
}

/** At most `perSecond` layouts a second, at least 1000 / perSecond ms apart. */
export function createLayoutBudget(perSecond = BOARD_LAYOUTS_PER_SECOND, now: () => number = Date.now): LayoutBudget {
  const spacingMs = 1000 / perSecond;
  let nextAt = -Infinity;
  return {
    take() {
      const t = now();
      if (t < nextAt) return Math.ceil(nextAt - t);
      nextAt = t + spacingMs;
      return 0;
    },
  };
}

export interface ResizeThrottle {
  request(size: PtySize): void;
  close(): void;
}

export function createResizeThrottle(options: {
  apply(size: PtySize): void;
  budget: LayoutBudget;
  now: () => number;
  intervalMs?: number;
}): ResizeThrottle {
  const { apply, budget, now, intervalMs = RESIZE_INTERVAL_MS } = options;
  let pending: PtySize | undefined;
  let timer: NodeJS.Timeout | undefined;
  let lastLayoutAt = -Infinity;

  const attempt = () => {
    timer = undefined;
    if (!pending) return;
    const screenWait = lastLayoutAt + intervalMs - now();
    const wait = screenWait > 0 ? screenWait : budget.take();
    if (wait > 0) {
      timer = setTimeout(attempt, wait);
      return;
    }
    const size = pending;
    pending = undefined;
    lastLayoutAt = now();
    apply(size);
  };

  return {
    request(size) {
      pending = size;
      if (!timer) attempt(); // else the scheduled attempt takes this size
    },
    close() {
      clearTimeout(timer);
      timer = undefined;
      pending = undefined;
    },
  };
}
