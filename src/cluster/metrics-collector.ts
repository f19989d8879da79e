/**
 * The primary's side of a scrape: ask every worker for its metrics over the IPC channel and wait
 * for the answers, each for a bounded time. A worker that is starting, stuck or dying is left out
 * of that scrape rather than holding it up (its counters come back at the next scrape, as
 * Prometheus expects of a process that restarted).
 */
import type { MetricsSnapshot } from '../metrics/telemetry.js';
import type { PrimaryMessage } from './protocol.js';

/** A scrape waits this long for a worker's answer. */
const ANSWER_MS = 2000;

export interface MetricsCollector {
  /** Every given worker's snapshot that came in time. */
  collect(workers: ReadonlyArray<(message: PrimaryMessage) => void>): Promise<MetricsSnapshot[]>;
  /** A worker's answer. */
  answer(id: number, snapshot: MetricsSnapshot): void;
}

export function createMetricsCollector(): MetricsCollector {
  const waiting = new Map<number, (snapshot: MetricsSnapshot | undefined) => void>();
  let nextId = 1;

  function askOne(send: (message: PrimaryMessage) => void): Promise<MetricsSnapshot | undefined> {
    const id = nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => settle(undefined), ANSWER_MS);
      const settle = (snapshot: MetricsSnapshot | undefined) => {
        clearTimeout(timer);
        waiting.delete(id);
        resolve(snapshot);
      };
      waiting.set(id, settle);
      send({ t: 'metrics', id });
    });
  }

  return {
    async collect(workers) {
      const answers = await Promise.all(workers.map(askOne));
      return answers.filter((snapshot): snapshot is MetricsSnapshot => snapshot !== undefined);
    },
    answer: (id, snapshot) => waiting.get(id)?.(snapshot),
  };
}
