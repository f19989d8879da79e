/**
 * The primary's collection of its workers' metrics for one scrape: every worker asked once, the
 * answers that come in kept, and a worker that does not answer left out after the wait instead of
 * holding the scrape up.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMetricsCollector } from '../../src/cluster/metrics-collector.js';
import type { PrimaryMessage } from '../../src/cluster/protocol.js';
import type { MetricsSnapshot } from '../../src/metrics/telemetry.js';

/** A stand-in registry snapshot: the collector passes snapshots on without reading them. */
const snapshot = (name: string) => [{ name }] as unknown as MetricsSnapshot;

afterEach(() => vi.useRealTimers());

describe('createMetricsCollector', () => {
  it('keeps each answer, and leaves out a worker that does not answer in time', async () => {
    vi.useFakeTimers();
    const collector = createMetricsCollector();
    const asked: number[] = [];
    const answering = (message: PrimaryMessage) => {
      if (message.t !== 'metrics') return;
      asked.push(message.id);
      queueMicrotask(() => collector.answer(message.id, snapshot('answered')));
    };
    const silent = (message: PrimaryMessage) => void (message.t === 'metrics' && asked.push(message.id));
    const scrape = collector.collect([answering, silent]);
    await vi.advanceTimersByTimeAsync(2000);
    expect(await scrape).toEqual([snapshot('answered')]);
    expect(new Set(asked).size).toBe(2);
    // A late answer to a finished scrape is dropped without harm.
    collector.answer(asked[1]!, snapshot('late'));
  });
});
