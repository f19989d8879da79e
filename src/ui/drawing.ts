/**
 * What every screen of one board process shares: the frame clock that paces them all and the
 * cache of log rows encoded per screen shape. Made once by the board's wiring (one per process,
 * never a module-level singleton) and handed to each caller's screen and teleconference.
 */
import { createFrameClock, type FrameClock } from './frame-clock.js';
import { createLogRows, type LogRows } from './log-rows.js';

export interface Drawing {
  readonly clock: FrameClock;
  readonly rows: LogRows;
}

export function createDrawing(): Drawing {
  return { clock: createFrameClock(), rows: createLogRows() };
}
