/**
 * What the bench's main thread and its screen threads (./screen-thread.ts) say to each other.
 * Each side sends what one turn of its event loop produced as one array, in order.
 */

/** A screen shows this: the teleconference's title bar for `handle`, or `includes` anywhere. */
export type ScreenCondition = { kind: 'teleconference'; handle: string } | { kind: 'text'; includes: string };

export type ToScreens =
  | { op: 'open'; id: number; cols: number; rows: number }
  /** A chunk of the caller's channel, and when it arrived (main thread's performance.now()). */
  | { op: 'write'; id: number; data: Uint8Array; at: number }
  | { op: 'resize'; id: number; cols: number; rows: number }
  /** Report the newest marker `${tag}-NNNN` on the screen whenever it grows (or stop). */
  | { op: 'tag'; id: number; tag: string; watch: boolean }
  /** Report once when the screen holds `condition` (or forget wait `wait`, when undefined). */
  | { op: 'wait'; id: number; wait: number; condition?: ScreenCondition }
  /** The visible rows once everything written before is parsed. */
  | { op: 'text'; id: number; request: number }
  | { op: 'dispose'; id: number }
  /** Answered once everything sent before it is handled. */
  | { op: 'ping'; request: number };

export type FromScreens =
  /** The thread has loaded the emulator and takes screens. */
  | { t: 'ready' }
  | { t: 'pong'; request: number }
  | { t: 'marker'; id: number; tag: string; highest: number; at: number }
  | { t: 'held'; id: number; wait: number; at: number }
  | { t: 'text'; id: number; request: number; text: string };
