/**
 * A caller's account, looked at again every few seconds while they are on: the sysop's CLI changes
 * the database, not the running board, so a ban, a deletion, a rename or a role change made there
 * reaches the call this way. One indexed read per caller per period.
 */
import type { Ban, CommunityStore } from './store/community.js';
import type { Role, UserStore } from './store/users.js';

export const WATCH_EVERY_MS = 3000;

export interface AccountWatchDeps {
  userId: number;
  handle: string;
  role: Role;
  users: UserStore;
  community: CommunityStore;
  onBanned(ban: Ban): void;
  onDeleted(): void;
  /** The handle changed: the room knows them by the old one, so the call ends. */
  onRenamed(handle: string): void;
  onRoleChange(role: Role): void;
  /** A failed read (the database is busy or gone): logged, and the next period tries again. */
  onError(err: unknown): void;
  everyMs?: number;
}

/** Returns the function that stops watching. */
export function watchAccount(deps: AccountWatchDeps): () => void {
  let role = deps.role;
  const timer = setInterval(() => {
    try {
      const user = deps.users.findById(deps.userId);
      if (!user) return deps.onDeleted();
      const ban = deps.community.activeBan(deps.userId);
      if (ban) return deps.onBanned(ban);
      if (user.handle !== deps.handle) return deps.onRenamed(user.handle);
      if (user.role !== role) {
        role = user.role;
        deps.onRoleChange(role);
      }
    } catch (err) {
      deps.onError(err);
    }
  }, deps.everyMs ?? WATCH_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
