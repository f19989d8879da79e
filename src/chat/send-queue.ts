/**
 * Lines over a caller's rate wait their turn instead of being dropped: a short per-caller queue
 * drained at the flood gate's pace, in the order typed. Only a caller who keeps typing past
 * `maxQueued` waiting lines is told to stop; what they typed then is handed back, never lost.
 * Time and timers are injected (the chat core owns none), so tests drive them by hand.
 */
import { createFloodGate } from './flood.js';

/** Runs `fn` after `ms` milliseconds; returns a function that cancels it. */
export type Schedule = (ms: number, fn: () => void) => () => void;

export interface SendQueueOptions<T> {
  burst: number;
  perSecond: number;
  /** Lines that may wait; one more is an overflow. */
  maxQueued: number;
  now: () => number;
  schedule: Schedule;
  /** Sends one line (now, or when its turn comes). */
  send(item: T): void;
}

export interface SendQueue<T> {
  /** 'sent' now, 'queued' (first of a wait: tell the caller once), 'waiting' (more of the same), or 'full'. */
  offer(item: T): 'sent' | 'queued' | 'waiting' | 'full';
  readonly waiting: number;
  /** Drops every waiting line and the timer (the caller left); returns what was dropped. */
  close(): T[];
}

export function createSendQueue<T>(options: SendQueueOptions<T>): SendQueue<T> {
  const gate = createFloodGate(options);
  const queue: T[] = [];
  let cancel: (() => void) | undefined;

  function drain(): void {
    cancel = undefined;
    while (queue.length > 0 && gate.take()) options.send(queue.shift() as T);
    if (queue.length > 0) cancel = options.schedule(gate.waitMs(), drain);
  }

  return {
    offer(item) {
      if (queue.length === 0 && gate.take()) {
        options.send(item);
        return 'sent';
      }
      if (queue.length >= options.maxQueued) return 'full';
      queue.push(item);
      if (!cancel) cancel = options.schedule(gate.waitMs(), drain);
      return queue.length === 1 ? 'queued' : 'waiting';
    },
    get waiting() {
      return queue.length;
    },
    close() {
      cancel?.();
      cancel = undefined;
      return queue.splice(0);
    },
  };
}
