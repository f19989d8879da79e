/**
 * The accounts of the running calls, looked at again every few seconds: the sysop's CLI changes
 * the database, not the running board, so a ban, a deletion, a rename or a role change made there
 * reaches the call this way, and so does `bbs kick`; the calls also say now and then that they
 * are still there, for `bbs who`.
 *
 * One watch serves every call of a board process, with one timer and a few reads per period
 * whatever the number of calls: a read per call per period cost a thousand callers ~1,000 queries
 * every 3 s, on SQLite or on a shared PostgreSQL.
 */
import type { Logger } from 'pino';
import type { AccountNow, Ban, CommunityStore, KickRequest, Role } from './store/store.js';

export const WATCH_EVERY_MS = 3000;
/** Every this many looks, the calls tell the database they are still there (for `bbs who`). */
const HEARTBEAT_EVERY = 10;
/** A call not heard from for this long is not shown by `bbs who` (its board stopped without closing it). */
export const CALL_FRESH_MS = 3 * HEARTBEAT_EVERY * WATCH_EVERY_MS;

export interface WatchedCall {
  userId: number;
  handle: string;
  /** The call log entry of this call, and when it began (kicks asked for before it do not count). */
  callId: number;
  since: number;
  role: Role;
  onBanned(ban: Ban): void;
  onDeleted(): void;
  /** `bbs kick` asked for this call to end. */
  onKicked(request: KickRequest): void;
  /** The handle changed: the room knows them by the old one, so the call ends. */
  onRenamed(handle: string): void;
  onRoleChange(role: Role): void;
}

export interface AccountWatch {
  /** Returns the function that stops watching this call; what a look under way finds for it is then dropped. */
  watch(call: WatchedCall): () => void;
  /** Stops every watch (the board is closing). */
  close(): void;
}

export interface AccountWatchOptions {
  community: CommunityStore;
  /** A failed read (the database is busy or gone) is a warning here, and the next period tries again. */
  log: Logger;
  everyMs?: number;
}

export function createAccountWatch(options: AccountWatchOptions): AccountWatch {
  const calls = new Set<WatchedCall>();
  let looks = 0;
  let looking = false;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;

  async function look(): Promise<void> {
    looks += 1;
    const watched = [...calls];
    if (looks % HEARTBEAT_EVERY === 0) await options.community.touchCalls(watched.map((call) => call.callId));
    const accounts = await options.community.accountsNow(watched.map((call) => call.userId));
    const kicks = await options.community.takeKicks(watched);
    for (const call of watched) {
      // A call stopped while the reads were under way hears nothing.
      if (!calls.has(call)) continue;
      try {
        tell(call, accounts.get(call.userId), kicks.get(call.userId));
      } catch (err) {
        options.log.error({ err, handle: call.handle }, 'a call could not act on what its account watch found');
      }
    }
  }

  const tick = () => {
    // A slow database must not stack looks up: the next period tries again.
    if (looking) return;
    looking = true;
    look()
      .catch((err: unknown) => closed || options.log.warn({ err }, 'could not read the accounts of the running calls'))
      .finally(() => (looking = false));
  };

  return {
    watch(call) {
      const watched = { ...call };
      calls.add(watched);
      timer ??= setInterval(tick, options.everyMs ?? WATCH_EVERY_MS).unref();
      return () => {
        calls.delete(watched);
        if (calls.size > 0) return;
        clearInterval(timer);
        timer = undefined;
      };
    },
    close() {
      closed = true;
      calls.clear();
      clearInterval(timer);
      timer = undefined;
    },
  };
}

/** What one look found for one call: at most one thing ends or changes it, the gravest first. */
function tell(call: WatchedCall, account: AccountNow | undefined, kick: KickRequest | undefined): void {
  if (!account) return call.onDeleted();
  if (account.ban) return call.onBanned(account.ban);
  if (account.handle !== call.handle) return call.onRenamed(account.handle);
  if (kick) return call.onKicked(kick);
  if (account.role === call.role) return;
  call.role = account.role;
  call.onRoleChange(account.role);
}
