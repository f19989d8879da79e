/**
 * Login failures counted in Redis, so a lockout made on one instance holds on all of them. Same
 * policy as the in-process LoginGuard: per (account, address) pair, and per address at
 * ADDRESS_FACTOR times the limit; a count lives one window from its first failure and reaching
 * the limit locks for one window. Counting is one Lua script (atomic: two instances counting at
 * once cannot lose a failure); the keys expire by themselves, so nothing needs cleaning up.
 */
import type { Redis } from 'ioredis';
import type { AuthConfig } from '../config.js';
import { ADDRESS_FACTOR, type LoginAttempts } from '../ssh/login-guard.js';
import { LOGIN_FAILURE, LOGIN_LOCKED_FOR } from './scripts.js';

type Run = (...args: Array<string | number>) => Promise<unknown>;

export function createRedisLoginAttempts(
  client: Redis,
  prefix: string,
  auth: Pick<AuthConfig, 'max_login_attempts' | 'lockout_minutes'>,
  report: (what: string) => (err: unknown) => void,
): LoginAttempts {
  client.defineCommand('bbs_login_failure', { numberOfKeys: 4, lua: LOGIN_FAILURE });
  client.defineCommand('bbs_login_locked_for', { numberOfKeys: 2, lua: LOGIN_LOCKED_FOR });
  const commands = client as unknown as Record<'bbs_login_failure' | 'bbs_login_locked_for', Run>;
  const max = auth.max_login_attempts;
  const windowMs = auth.lockout_minutes * 60_000;
  // Handles typed at the login prompt are untrusted: a bounded piece of one names the key.
  const keysOf = (handle: string, address: string) => {
    const pair = `${prefix}login:u:${handle.toLowerCase().slice(0, 64)}|${address}`;
    const addr = `${prefix}login:a:${address}`;
    return { pair, pairLock: `${pair}:lock`, addr, addrLock: `${addr}:lock` };
  };
  return {
    async lockedFor(handle, address) {
      const k = keysOf(handle, address);
      return Number(await commands.bbs_login_locked_for(k.pairLock, k.addrLock));
    },
    recordFailure(handle, address) {
      const k = keysOf(handle, address);
      void commands.bbs_login_failure(k.pair, k.pairLock, k.addr, k.addrLock, max, max * ADDRESS_FACTOR, windowMs).catch(report('could not count a login failure'));
    },
    recordSuccess(handle, address) {
      const k = keysOf(handle, address);
      void client.del(k.pair, k.pairLock).catch(report('could not clear login failures'));
    },
  };
}
