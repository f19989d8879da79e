/**
 * Call-log entries a crash left open get their end time at start-up. Only the one process that
 * starts the board may do it (the single process, or the primary before it forks workers): a
 * worker starting later would close the calls its siblings have open. A board shared through
 * Redis never does: another instance on the same database may have calls open.
 */
import type { Logger } from 'pino';
import type { UserStore } from './store.js';

export async function closeCrashedCalls(users: UserStore, log: Logger): Promise<void> {
  const leftOpen = await users.closeOpenCalls();
  if (leftOpen > 0) log.warn({ calls: leftOpen }, 'closed call-log entries left open by an unclean stop');
}
