/**
 * A Redis connection for one short job of the sysop's CLI (`bbs doctor`, `bbs kick`): one try, a
 * few seconds at most, no reconnecting and no queueing, so a Redis that is down is reported at
 * once instead of waited for.
 */
import { Redis } from 'ioredis';
import { describeUrl } from './redis-links.js';

const TIMEOUT_MS = 3000;

export class RedisUnreachableError extends Error {
  readonly code = 'ERR_BBS_REDIS';
}

/** Runs `use` on a fresh connection, then closes it; any failure becomes "cannot reach Redis at …". */
export async function withOneShotRedis<T>(url: string, use: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: TIMEOUT_MS, commandTimeout: TIMEOUT_MS, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  // connect() rejects with "Connection is closed."; the cause (ENOENT, ECONNREFUSED…) comes as an event.
  let cause: string | undefined;
  client.on('error', (err: NodeJS.ErrnoException) => (cause ??= err.code ?? err.message));
  try {
    await client.connect();
    return await use(client);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new RedisUnreachableError(`cannot reach Redis at ${describeUrl(url)} (${cause ?? e.code ?? e.message})`);
  } finally {
    client.disconnect();
  }
}
