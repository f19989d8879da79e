/**
 * The metrics endpoint of a board with workers, run by the primary: the state gauges from the
 * primary's authority (or from Redis, where the room and the nodes are kept when the workers are
 * instances of a board shared through it), the room's lines counted once, and every worker's
 * counters, histograms and process metrics collected over IPC at each scrape and merged.
 */
import type { Logger } from 'pino';
import type { ChatMessage } from '../chat/messages.js';
import type { Config } from '../config.js';
import { serveBoardMetrics, type BoardScrape } from '../metrics/board-scrape.js';
import type { BoardState } from '../metrics/board-metrics.js';
import type { MetricsSnapshot } from '../metrics/telemetry.js';
import type { PrimaryRedis } from '../redis/primary-link.js';
import type { Authority } from './authority.js';

export interface PrimaryMetricsDeps {
  authority: Authority;
  redis?: PrimaryRedis;
  /** Every live worker's snapshot. */
  workers(): Promise<MetricsSnapshot[]>;
  /** Where the authority's room lines go: set here to the counter. */
  onLine(count: (message: ChatMessage) => void): void;
  log: Logger;
}

export async function startPrimaryMetrics(config: Readonly<Config>, deps: PrimaryMetricsDeps): Promise<BoardScrape> {
  const { authority, redis } = deps;
  const state: BoardState = {
    // Connections are this machine's (its front door counts them), with or without Redis.
    connections: () => authority.connections(),
    nodeCount: () => config.connection.max_nodes,
    nodesInUse: redis ? () => redis.nodesInUse() : () => authority.nodesInUse(),
    roomMembers: redis ? () => redis.roomMembers() : () => authority.roomMembers(),
  };
  const scrape = await serveBoardMetrics(config.metrics, state, deps.workers, deps.log);
  const count = (message: ChatMessage) => scrape.metrics.roomMessage(message.kind);
  if (redis) await redis.hearLines(count);
  else deps.onLine(count);
  return scrape;
}
