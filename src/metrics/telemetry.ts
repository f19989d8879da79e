/**
 * The board's metrics as board.ts uses them: with metrics.enabled off (the default) the events go
 * to NO_METRICS and nothing listens; on, they go to a Prometheus registry served on
 * metrics.listen, and the room is observed for line counts and fan-out times.
 *
 * A worker of a board with workers does not listen (its primary serves the whole board's figures)
 * and does not count the room's lines (every worker hears every line; the primary counts them
 * once): it hands its registry to the primary when asked (snapshot) and keeps its own counts.
 */
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import type { ChatManager } from '../chat/chat-manager.js';
import { parseListen, type MetricsConfig } from '../config.js';
import { NO_METRICS, type BoardMetrics, type BoardState } from './board-metrics.js';
import { startMetricsServer, type MetricsServer } from './http.js';
import { createPrometheusMetrics } from './prometheus.js';
import { observeRoom } from './room-observer.js';

/** One registry's metrics as prom-client hands them over (plain data: it crosses the IPC channel). */
export type MetricsSnapshot = Array<MetricObjectWithValues<MetricValue<string>>>;

export interface Telemetry {
  readonly metrics: BoardMetrics;
  /** Starts the endpoint (when enabled and serving); its address, or undefined. */
  listen(): Promise<AddressInfo | undefined>;
  address(): AddressInfo | undefined;
  /** This process's metrics, for a primary to merge; empty when metrics are off. */
  snapshot(): Promise<MetricsSnapshot>;
  close(): Promise<void>;
}

/** serve: a board in one process (or one Redis instance); report: a worker, whose primary serves. */
export type TelemetryRole = { serve: true } | { serve: false; process: string };

export function createTelemetry(config: Readonly<MetricsConfig>, state: BoardState, room: ChatManager, log: Logger, role: TelemetryRole): Telemetry {
  if (!config.enabled) {
    return { metrics: NO_METRICS, listen: async () => undefined, address: () => undefined, snapshot: async () => [], close: async () => undefined };
  }
  const { metrics, registry } = role.serve ? createPrometheusMetrics({ state }) : createPrometheusMetrics({ process: role.process });
  const stopObserving = observeRoom(room, metrics, { countLines: role.serve });
  let server: MetricsServer | undefined;
  return {
    metrics,
    async listen() {
      if (!role.serve) return undefined;
      server ??= await startMetricsServer(registry, parseListen(config.listen), log);
      return server.address();
    },
    address: () => server?.address(),
    snapshot: () => registry.getMetricsAsJSON() as Promise<MetricsSnapshot>,
    async close() {
      stopObserving();
      await server?.close();
      server = undefined;
    },
  };
}
