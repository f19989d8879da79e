/**
 * What every screen of one board process shares: the frame clock that paces them all, the
 * cache of log rows encoded per screen shape, and the minute ticker for their clocks. Made once by the board's wiring (one per process,
 * never a module-level singleton) and handed to each caller's screen and teleconference.
 */
import { createFrameClock, type FrameClock } from './frame-clock.js';
import { createLogRows, type LogRows } from './log-rows.js';
import { createMinuteTicker, type MinuteTicker } from './minute-ticker.js';

export interface Drawing {
  readonly clock: FrameClock;
  readonly rows: LogRows;
  /** Wakes every title bar's clock at each minute's turn. */
  readonly minutes: MinuteTicker;
}

export function createDrawing(now: () => number = Date.now): Drawing {
  return { clock: createFrameClock(), rows: createLogRows(), minutes: createMinuteTicker(now) };
}
