/**
 * A caller's account, looked at again every few seconds while they are on: the sysop's CLI changes
 * the database, not the running board, so a ban, a deletion, a rename or a role change made there
 * reaches the call this way, and so does `bbs kick`; the call also says now and then that it is
 * still there, for `bbs who`. A few indexed reads per caller per period, a write every 30 s.
 */
import type { Ban, CommunityStore, KickRequest, Role, UserStore } from './store/store.js';

export const WATCH_EVERY_MS = 3000;
/** Every this many looks, the call tells the database it is still there (for `bbs who`). */
const HEARTBEAT_EVERY = 10;
/** A call not heard from for this long is not shown by `bbs who` (its board stopped without closing it). */
export const CALL_FRESH_MS = 3 * HEARTBEAT_EVERY * WATCH_EVERY_MS;

export interface AccountWatchDeps {
  userId: number;
  handle: string;
  /** The call log entry of this call, and when it began (kicks asked for before it do not count). */
  callId: number;
  since: number;
  role: Role;
  users: UserStore;
  community: CommunityStore;
  onBanned(ban: Ban): void;
  onDeleted(): void;
  /** `bbs kick` asked for this call to end. */
  onKicked(request: KickRequest): void;
  /** The handle changed: the room knows them by the old one, so the call ends. */
  onRenamed(handle: string): void;
  onRoleChange(role: Role): void;
  /** A failed read (the database is busy or gone): logged, and the next period tries again. */
  onError(err: unknown): void;
  everyMs?: number;
}

/** Returns the function that stops watching; what a look still under way finds is then dropped. */
export function watchAccount(deps: AccountWatchDeps): () => void {
  let role = deps.role;
  let looks = 0;
  let looking = false;
  let stopped = false;

  /** What this look found that ends or changes the call; undefined when all is as it was. */
  async function look(): Promise<(() => void) | undefined> {
    looks += 1;
    if (looks % HEARTBEAT_EVERY === 0) await deps.community.touchCall(deps.callId);
    const user = await deps.users.findById(deps.userId);
    if (!user) return deps.onDeleted;
    const ban = await deps.community.activeBan(deps.userId);
    if (ban) return () => deps.onBanned(ban);
    if (user.handle !== deps.handle) return () => deps.onRenamed(user.handle);
    const kick = await deps.community.takeKick(deps.userId, deps.since);
    if (kick) return () => deps.onKicked(kick);
    if (user.role === role) return undefined;
    role = user.role;
    return () => deps.onRoleChange(role);
  }

  const timer = setInterval(() => {
    // A slow database must not stack looks up: the next period tries again.
    if (looking) return;
    looking = true;
    look()
      .then((found) => {
        if (!stopped) found?.();
      })
      .catch((err: unknown) => {
        if (!stopped) deps.onError(err);
      })
      .finally(() => (looking = false));
  }, deps.everyMs ?? WATCH_EVERY_MS);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
