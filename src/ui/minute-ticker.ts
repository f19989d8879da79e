/**
 * One timer for every clock on the board's screens: woken at each minute's turn, it tells every
 * subscriber, so the title bars of a thousand screens cost one timer, not a thousand. Armed only
 * while someone listens; unref'd, so it never keeps the process alive. Made by the board's wiring
 * (one per process) or by a screen of its own when none is given.
 */
const MINUTE_MS = 60_000;

export interface MinuteTicker {
  /** Calls `listener` at every minute's turn until the returned function is called. */
  subscribe(listener: () => void): () => void;
}

export function createMinuteTicker(now: () => number = Date.now): MinuteTicker {
  const listeners = new Set<() => void>();
  let timer: NodeJS.Timeout | undefined;

  function arm(): void {
    timer = setTimeout(tick, MINUTE_MS - (now() % MINUTE_MS));
    timer.unref();
  }

  function tick(): void {
    timer = undefined;
    for (const listener of [...listeners]) listener();
    if (listeners.size > 0) arm();
  }

  return {
    subscribe(listener) {
      listeners.add(listener);
      if (!timer) arm();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) {
          clearTimeout(timer);
          timer = undefined;
        }
      };
    },
  };
}
