/**
 * The metrics of a board with workers, served by its primary: at each scrape the primary's own
 * registry (the state gauges, the room's line counts, its process metrics) is merged with every
 * worker's (their counters, histograms and process metrics) by prom-client's aggregation, which
 * adds up series with the same name and labels. Nothing is registered in two processes under the
 * same labels unless adding it up is right: see ./prometheus.ts.
 */
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { AggregatorRegistry } from 'prom-client';
import { parseListen, type MetricsConfig } from '../config.js';
import type { BoardMetrics, BoardState } from './board-metrics.js';
import { startMetricsServer, type MetricsSource } from './http.js';
import { createPrometheusMetrics } from './prometheus.js';
import type { MetricsSnapshot } from './telemetry.js';

export interface BoardScrape {
  /** Counted here: lines the room hears, once for the board. */
  readonly metrics: BoardMetrics;
  address(): AddressInfo;
  close(): Promise<void>;
}

/** workers(): each live worker's snapshot (a worker that does not answer in time is left out). */
export async function serveBoardMetrics(
  config: Readonly<MetricsConfig>,
  state: BoardState,
  workers: () => Promise<MetricsSnapshot[]>,
  log: Logger,
): Promise<BoardScrape> {
  const own = createPrometheusMetrics({ state, process: 'primary' });
  const source: MetricsSource = {
    contentType: own.registry.contentType,
    async metrics() {
      const [mine, theirs] = await Promise.all([own.registry.getMetricsAsJSON() as Promise<MetricsSnapshot>, workers()]);
      return AggregatorRegistry.aggregate([mine, ...theirs]).metrics();
    },
  };
  const server = await startMetricsServer(source, parseListen(config.listen), log);
  return { metrics: own.metrics, address: () => server.address(), close: () => server.close() };
}
