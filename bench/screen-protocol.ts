/**
 * What the bench's main thread and its screen threads (./screen-thread.ts) say to each other.
 * Each side sends what one turn of its event loop produced as one batch, in order, as the board's
 * processes do over IPC (src/cluster/batch.ts).
 */

/** A screen shows this: the teleconference's title bar for `handle`, or `includes` anywhere. */
export type ScreenCondition = { kind: 'teleconference'; handle: string } | { kind: 'text'; includes: string };

export type ToScreens =
  | { t: 'open'; id: number; cols: number; rows: number }
  /** A chunk of the caller's channel, and when it arrived (main thread's performance.now()). */
  | { t: 'write'; id: number; data: Uint8Array; at: number }
  | { t: 'resize'; id: number; cols: number; rows: number }
  /** Report the newest marker `${tag}-NNNN` on the screen whenever it grows (or stop). */
  | { t: 'tag'; id: number; tag: string; watch: boolean }
  /** Report once when the screen holds `condition` (or forget wait `wait`, when undefined). */
  | { t: 'wait'; id: number; wait: number; condition?: ScreenCondition }
  /** The visible rows once everything written before is parsed. */
  | { t: 'text'; id: number; request: number }
  | { t: 'dispose'; id: number }
  /** Answered once everything sent before it is handled. */
  | { t: 'ping'; request: number };

export type FromScreens =
  /** The thread has loaded the emulator and takes screens. */
  | { t: 'ready' }
  | { t: 'pong'; request: number }
  | { t: 'marker'; id: number; tag: string; highest: number; at: number }
  | { t: 'held'; id: number; wait: number; at: number }
  | { t: 'text'; id: number; request: number; text: string };
