/**
 * How long lines take to reach every screen. Each measured line carries a numbered marker
 * (`fan_3-0007`: the tag, the tracker's number, the line's); a caller counts as having a line
 * once its screen shows that marker or a later one, because under load the board may draw
 * several lines in one frame and an early one can scroll past before a frame ever shows it.
 */
import { performance } from 'node:perf_hooks';
import type { BenchCaller } from './caller.js';

export interface Arrival {
  /** Milliseconds from sending to the first screen that showed it. */
  firstMs: number;
  /** Milliseconds from sending to the last screen that showed it (every caller has it). */
  lastMs: number;
  /** Callers whose screens never showed it before the timeout. */
  missing: number;
  /** Per caller whose screen showed it: milliseconds from sending. */
  eachMs: number[];
}

interface Expected {
  seq: number;
  sentAt: number;
  waiting: Set<BenchCaller>;
  first: number;
  last: number;
  each: number[];
  timer: NodeJS.Timeout;
  resolve: (arrival: Arrival) => void;
}

/** Trackers made so far in this process: each one's markers carry its own number. */
let trackersMade = 0;

export class DeliveryTracker {
  private readonly expected = new Set<Expected>();
  private readonly stops: Array<() => void>;
  /**
   * `tag` and this tracker's own number ("fan_3"): a marker an earlier run with the same tag left
   * on a screen must not count as this run's line of that number.
   */
  private readonly tag: string;

  constructor(
    tag: string,
    readonly callers: readonly BenchCaller[],
  ) {
    this.tag = `${tag}_${(++trackersMade).toString(36)}`;
    this.stops = callers.map((caller) => caller.watchMarkers(this.tag, (highest, at) => this.saw(caller, highest, at)));
  }

  /** The line that carries marker `seq`, e.g. "fan_3-0007 hello". */
  marker(seq: number): string {
    return `${this.tag}-${String(seq).padStart(4, '0')}`;
  }

  /**
   * Call just before the line numbered `seq` is sent. Resolves when every caller's screen has it,
   * or after `timeoutMs` with the number still missing.
   */
  expect(seq: number, timeoutMs: number): Promise<Arrival> {
    return new Promise((resolve) => {
      const entry: Expected = {
        seq,
        sentAt: performance.now(),
        waiting: new Set(this.callers),
        first: Infinity,
        last: 0,
        each: [],
        timer: setTimeout(() => this.settle(entry), timeoutMs),
        resolve,
      };
      this.expected.add(entry);
    });
  }

  dispose(): void {
    for (const stop of this.stops) stop();
    for (const entry of this.expected) this.settle(entry);
  }

  /** `caller`'s screen now shows marker `highest` (and so every earlier line of its sender). */
  private saw(caller: BenchCaller, highest: number, at: number): void {
    for (const entry of this.expected) {
      if (entry.seq > highest || !entry.waiting.delete(caller)) continue;
      entry.first = Math.min(entry.first, at);
      entry.last = Math.max(entry.last, at);
      entry.each.push(at - entry.sentAt);
      if (entry.waiting.size === 0) this.settle(entry);
    }
  }

  private settle(entry: Expected): void {
    if (!this.expected.delete(entry)) return;
    clearTimeout(entry.timer);
    entry.resolve({
      firstMs: entry.first - entry.sentAt,
      lastMs: entry.last - entry.sentAt,
      missing: entry.waiting.size,
      eachMs: entry.each,
    });
  }
}
