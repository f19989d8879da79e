/**
 * Hang up on a caller who has typed nothing for a long while, so an idle call does not hold a
 * node forever: a warning first, then goodbye. Any byte from the caller counts as activity.
 */

export interface IdleTimerOptions {
  /** Silence before hanging up; 0 turns the timer off. */
  idleMs: number;
  /** The caller's keystrokes (the channel's 'data' events). */
  input: { on(event: 'data', listener: () => void): unknown; off(event: 'data', listener: () => void): unknown };
  onWarn(secondsLeft: number): void;
  onIdle(): void;
}

/** A minute's warning, or half the idle time when that is shorter. */
const WARN_MS = 60_000;

/** Returns the function that stops the timer. */
export function startIdleTimer(options: IdleTimerOptions): () => void {
  if (options.idleMs <= 0) return () => undefined;
  const warnMs = Math.min(WARN_MS, options.idleMs / 2);
  let warnTimer: NodeJS.Timeout | undefined;
  let idleTimer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(warnTimer);
    clearTimeout(idleTimer);
    warnTimer = setTimeout(() => options.onWarn(Math.round(warnMs / 1000)), options.idleMs - warnMs);
    idleTimer = setTimeout(() => options.onIdle(), options.idleMs);
    warnTimer.unref();
    idleTimer.unref();
  };
  options.input.on('data', arm);
  arm();
  return () => {
    clearTimeout(warnTimer);
    clearTimeout(idleTimer);
    options.input.off('data', arm);
  };
}
