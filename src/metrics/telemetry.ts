/**
 * The board's metrics as board.ts uses them: with metrics.enabled off (the default) the events go
 * to NO_METRICS and nothing listens; on, they go to a Prometheus registry served on
 * metrics.listen, and the room is observed for line counts and fan-out times.
 */
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { ChatManager } from '../chat/chat-manager.js';
import { parseListen, type MetricsConfig } from '../config.js';
import { NO_METRICS, type BoardMetrics, type BoardState } from './board-metrics.js';
import { startMetricsServer, type MetricsServer } from './http.js';
import { createPrometheusMetrics } from './prometheus.js';
import { observeRoom } from './room-observer.js';

export interface Telemetry {
  readonly metrics: BoardMetrics;
  /** Starts the endpoint (when enabled); its address, or undefined when metrics are off. */
  listen(): Promise<AddressInfo | undefined>;
  address(): AddressInfo | undefined;
  close(): Promise<void>;
}

export function createTelemetry(config: Readonly<MetricsConfig>, state: BoardState, room: ChatManager, log: Logger): Telemetry {
  if (!config.enabled) {
    return { metrics: NO_METRICS, listen: async () => undefined, address: () => undefined, close: async () => undefined };
  }
  const { metrics, registry } = createPrometheusMetrics(state);
  const stopObserving = observeRoom(room, metrics);
  let server: MetricsServer | undefined;
  return {
    metrics,
    async listen() {
      server ??= await startMetricsServer(registry, parseListen(config.listen), log);
      return server.address();
    },
    address: () => server?.address(),
    async close() {
      stopObserving();
      await server?.close();
      server = undefined;
    },
  };
}
