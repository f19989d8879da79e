/**
 * Login failures counted in Redis, so a lockout or delay made on one instance holds on all of
 * them. Same policy as the in-process LoginGuard: per (account, address) pair, locked for one
 * window at the limit; per address (an IPv6 /64 as one) at ADDRESS_FACTOR times the limit; per
 * account from any address, past the limit each further try waits a delay that doubles up to a
 * minute. A count lives one window from its first failure, and at least as long as the lock it
 * made. Counting is one Lua script (atomic: two instances counting at once cannot lose a failure);
 * the keys expire by themselves, so nothing needs cleaning up.
 */
import type { Redis } from 'ioredis';
import type { AuthConfig } from '../config.js';
import { addressKey } from '../ssh/address.js';
import { ACCOUNT_FIRST_DELAY_MS, ACCOUNT_MAX_DELAY_MS, ADDRESS_FACTOR, type LoginAttempts } from '../ssh/login-guard.js';

/**
 * KEYS: pair count, pair lock, address count, address lock, account count, account lock. ARGV:
 * pair limit, address limit, window ms, the account's first delay ms, its longest delay ms.
 * A lock only ever grows (a later, shorter one does not cut it).
 */
const LOGIN_FAILURE = `
local window, first, most = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local function fail(i, limit, lockMs)
  local n = redis.call('INCR', KEYS[i])
  if n == 1 then redis.call('PEXPIRE', KEYS[i], window) end
  if n < limit then return end
  local ms = lockMs(n - limit)
  if redis.call('PTTL', KEYS[i + 1]) < ms then redis.call('SET', KEYS[i + 1], '1', 'PX', ms) end
  if redis.call('PTTL', KEYS[i]) < ms then redis.call('PEXPIRE', KEYS[i], ms) end
end
local function whole() return window end
fail(1, tonumber(ARGV[1]), whole)
fail(3, tonumber(ARGV[2]), whole)
fail(5, tonumber(ARGV[1]), function(past) return math.min(most, first * math.pow(2, math.min(16, past))) end)
return 0
`;

/** KEYS: pair lock, address lock, account lock → milliseconds the longest has left (0: may try). */
const LOGIN_LOCKED_FOR = `
local a, b, c = redis.call('PTTL', KEYS[1]), redis.call('PTTL', KEYS[2]), redis.call('PTTL', KEYS[3])
return math.max(a, b, c, 0)
`;

type Run = (...args: Array<string | number>) => Promise<unknown>;

export function createRedisLoginAttempts(
  client: Redis,
  prefix: string,
  auth: Pick<AuthConfig, 'max_login_attempts' | 'lockout_minutes'>,
  report: (what: string) => (err: unknown) => void,
): LoginAttempts {
  client.defineCommand('bbs_login_failure', { numberOfKeys: 6, lua: LOGIN_FAILURE });
  client.defineCommand('bbs_login_locked_for', { numberOfKeys: 3, lua: LOGIN_LOCKED_FOR });
  const commands = client as unknown as Record<'bbs_login_failure' | 'bbs_login_locked_for', Run>;
  const max = auth.max_login_attempts;
  const windowMs = auth.lockout_minutes * 60_000;
  // Handles typed at the login prompt are untrusted: a bounded piece of one names the key.
  const keysOf = (handle: string, address: string) => {
    const account = `${prefix}login:h:${handle.toLowerCase().slice(0, 64)}`;
    const pair = `${prefix}login:u:${handle.toLowerCase().slice(0, 64)}|${addressKey(address)}`;
    const addr = `${prefix}login:a:${addressKey(address)}`;
    return { pair, pairLock: `${pair}:lock`, addr, addrLock: `${addr}:lock`, account, accountLock: `${account}:lock` };
  };
  return {
    async lockedFor(handle, address) {
      const k = keysOf(handle, address);
      return Number(await commands.bbs_login_locked_for(k.pairLock, k.addrLock, k.accountLock));
    },
    recordFailure(handle, address) {
      const k = keysOf(handle, address);
      const limits = [max, max * ADDRESS_FACTOR, windowMs, ACCOUNT_FIRST_DELAY_MS, ACCOUNT_MAX_DELAY_MS];
      void commands
        .bbs_login_failure(k.pair, k.pairLock, k.addr, k.addrLock, k.account, k.accountLock, ...limits)
        .catch(report('could not count a login failure'));
    },
    // A good login clears its pair and its account (not the address), as the in-process guard does.
    recordSuccess(handle, address) {
      const k = keysOf(handle, address);
      void client.del(k.pair, k.pairLock, k.account, k.accountLock).catch(report('could not clear login failures'));
    },
  };
}
