/**
 * `bbs doctor`'s line about the shared room, when room.redis is set: does Redis answer, how many
 * instances beat there now, and do this machine's host keys match the ones they announce (an
 * instance with other keys would be refused at start). Reads only; one try, no reconnecting.
 */
import type { HostKey } from '../ssh/host-keys.js';
import { describeUrl, fingerprintsOf } from './redis-links.js';
import { withOneShotRedis } from './one-shot.js';
import { ALIVE_PREFIX, HOST_KEYS_KEY, KEY_PREFIX } from './scripts.js';

export interface RedisCheck {
  status: 'ok' | 'warn' | 'FAIL';
  detail: string;
}

export async function checkRedis(url: string, hostKeys: readonly HostKey[]): Promise<RedisCheck> {
  try {
    return await withOneShotRedis(url, async (client) => {
      const version = /redis_version:(\S+)/.exec(await client.info('server'))?.[1] ?? '?';
      let live = 0;
      for (const id of await client.smembers(`${KEY_PREFIX}instances`)) live += await client.exists(`${ALIVE_PREFIX}${id}`);
      const announced = await client.get(HOST_KEYS_KEY);
      const base = `Redis ${version} at ${describeUrl(url)}, ${live} instance${live === 1 ? '' : 's'} running`;
      if (live > 0 && announced && hostKeys.length > 0 && announced !== fingerprintsOf(hostKeys)) {
        return { status: 'FAIL', detail: `${base}; they announce other host keys than this machine's (${announced}): copy theirs here` };
      }
      return { status: 'ok', detail: base };
    });
  } catch (err) {
    return { status: 'FAIL', detail: (err as Error).message };
  }
}
