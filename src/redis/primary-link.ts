/**
 * What the primary of a board with workers does in Redis when its workers are instances of a
 * board shared through it: each worker is an instance with its own heartbeat, and a worker that
 * dies (killed, crashed) would hold its callers' seats, nodes and sessions until that heartbeat
 * expired. The primary sees the death at once, so it gives them back at once, with the same
 * script an instance runs when it stops: atomic in Redis, and run once per instance (the script
 * removes the instance, so a later reap by the heartbeat finds nothing to give back), so every
 * room hears each caller leave once. It also reads the board's counts for the metrics.
 */
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { isPrivate, type ChatMessage } from '../chat/messages.js';
import { describeUrl } from './redis-links.js';
import { defineRoomScripts, roomKey } from './room-scripts.js';
import { startRoomReader, type RoomReader, type StreamEntry } from './room-stream.js';

export interface PrimaryRedis {
  /** Give back everything this instance held → how many seats and nodes that was. */
  depart(instance: string): Promise<{ seats: number; nodes: number }>;
  /** Seated callers and nodes taken on the whole board, as Redis counts them now. */
  roomMembers(): Promise<number>;
  nodesInUse(): Promise<number>;
  /** Hear every line the room hears from now on (the metrics count them, once for this machine). */
  hearLines(listener: (message: ChatMessage) => void): Promise<void>;
  close(): Promise<void>;
}

export function connectPrimaryRedis(url: string, log: Logger, now: () => number = Date.now): PrimaryRedis {
  // Commands wait through a reconnect: a departure noticed during an outage is still made.
  const client = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: (attempt) => Math.min(attempt * 200, 2000), connectionName: 'ssh-bbs:primary' });
  client.on('error', (err: NodeJS.ErrnoException) => log.debug({ err: err.code ?? err.message, redis: describeUrl(url) }, 'redis connection error'));
  const run = defineRoomScripts(client);
  let reader: { connection: Redis; stream: RoomReader } | undefined;

  return {
    async depart(instance) {
      const [seats, nodes] = (await run('depart', instance, now())) as [number, number];
      return { seats, nodes };
    },
    roomMembers: () => client.hlen(roomKey('seats')),
    nodesInUse: () => client.hlen(roomKey('nodes')),
    async hearLines(listener) {
      // From the stream's last entry now (not '$', which a read repeated after a quiet spell would
      // take afresh, missing what came in between).
      const top = (await client.xrevrange(roomKey('room'), '+', '-', 'COUNT', 1)) as Array<[string, string[]]>;
      const connection = client.duplicate();
      connection.on('error', () => undefined);
      const onEntry = (entry: StreamEntry) => {
        if (entry.type === 'message' && !isPrivate(entry.message)) listener(entry.message);
      };
      const stream = startRoomReader(connection, roomKey('room'), top[0]?.[0] ?? '0-0', onEntry, (err) => log.debug({ err: err.message }, 'room stream read failed'));
      reader = { connection, stream };
    },
    async close() {
      reader?.stream.stop();
      reader?.connection.disconnect();
      client.disconnect();
    },
  };
}
