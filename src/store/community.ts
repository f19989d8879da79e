/**
 * What the community keeps across calls: whom each caller ignores, their pager, bans with a reason
 * and an end, private lines and pages waiting for a recipient who was away, the recent callers,
 * and a log of what sysops did. Accounts themselves are users.ts's business.
 */
import type { ChatMessage } from '../chat/messages.js';
import { removeKeyOf } from './account-admin.js';
import type { Database } from './db.js';
import type {
  AccountNow,
  Ban,
  CommunityStore,
  KickedCall,
  KickRequest,
  LeaveResult,
  OpenCall,
  RecentCall,
  Role,
  SysopAction,
  WaitingLimits,
  WaitingMessage,
} from './store.js';

interface BanRow {
  banned: number;
  ban_reason: string | null;
  ban_until: number | null;
  banned_by: string | null;
}

/** Like SqliteUserStore: the SQLite work is done when called, and the promise comes back settled. */
export class SqliteCommunityStore implements CommunityStore {
  private readonly sql: ReturnType<typeof prepare>;

  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {
    this.sql = prepare(db);
  }

  /** Handles (as registered) this account ignores, in order. */
  async ignored(userId: number): Promise<string[]> {
    return this.sql.ignored.all(userId) as string[];
  }

  async setIgnored(userId: number, targetId: number, ignored: boolean): Promise<void> {
    if (ignored) this.sql.ignore.run(userId, targetId);
    else this.sql.unignore.run(userId, targetId);
  }

  async pagerOff(userId: number): Promise<boolean> {
    return this.sql.pagerOff.get(userId) === 1;
  }

  async setPagerOff(userId: number, off: boolean): Promise<void> {
    this.sql.setPager.run(off ? 1 : 0, userId);
  }

  /** The IANA zone the caller chose with /tz; undefined for the board's own. */
  async timeZone(userId: number): Promise<string | undefined> {
    return (this.sql.timeZone.get(userId) as string | null | undefined) ?? undefined;
  }

  async setTimeZone(userId: number, zone: string | undefined): Promise<void> {
    this.sql.setTimeZone.run(zone ?? null, userId);
  }

  /** The colour the caller chose for their handle with /color (a palette name); undefined for its default. */
  async handleColor(userId: number): Promise<string | undefined> {
    return (this.sql.handleColor.get(userId) as string | null | undefined) ?? undefined;
  }

  async setHandleColor(userId: number, color: string | undefined): Promise<void> {
    this.sql.setHandleColor.run(color ?? null, userId);
  }

  async ban(userId: number, ban: Ban): Promise<void> {
    this.sql.ban.run(ban.reason, ban.until, ban.by, userId);
  }

  async unban(userId: number): Promise<void> {
    this.sql.unban.run(userId);
  }

  /** The ban in force on this account now; an expired one is lifted on the way. */
  async activeBan(userId: number): Promise<Ban | undefined> {
    const row = this.sql.banOf.get(userId) as BanRow | undefined;
    return row ? this.banInForce(userId, row) : undefined;
  }

  /** One read for every running call's account, however many: ids go in as one JSON array. */
  async accountsNow(userIds: readonly number[]): Promise<Map<number, AccountNow>> {
    const rows = this.sql.accountsNow.all(JSON.stringify(userIds)) as Array<BanRow & { id: number; handle: string; role: Role }>;
    return new Map(rows.map((row) => [row.id, { handle: row.handle, role: row.role, ban: this.banInForce(row.id, row) }]));
  }

  /** Keeps a private line or page for a recipient who is not on the board, within the limits. */
  async leaveMessage(toId: number, fromId: number, message: ChatMessage, limits: WaitingLimits): Promise<LeaveResult> {
    const store = this.db.transaction((): LeaveResult => {
      if ((this.sql.countFromTo.get(toId, fromId) as number) >= limits.perSender) return 'sender-limit';
      if ((this.sql.countTo.get(toId) as number) >= limits.perRecipient) return 'recipient-limit';
      this.sql.insertWaiting.run(toId, fromId, message.at, JSON.stringify(message));
      return 'stored';
    });
    return store.immediate();
  }

  /** The messages waiting for this account, oldest first, with their senders' ids; they are removed. */
  async takeWaiting(toId: number): Promise<WaitingMessage[]> {
    // Every login asks, and almost always nothing waits: a read answers that without the write
    // lock, which the board's other processes would otherwise queue on.
    if (!this.sql.anyWaiting.get(toId)) return [];
    const take = this.db.transaction(() => {
      const rows = this.sql.waitingFor.all(toId) as Array<{ from_id: number; json: string }>;
      this.sql.deleteWaiting.run(toId);
      return rows.map((row) => ({ fromId: row.from_id, message: JSON.parse(row.json) as ChatMessage }));
    });
    return take.immediate();
  }

  /** The latest calls, newest first. */
  async recentCalls(limit: number, freshMs: number): Promise<RecentCall[]> {
    const rows = this.sql.recentCalls.all(this.now() - freshMs, limit) as Array<{ handle: string; started_at: number; ended_at: number | null }>;
    return rows.map((row) => ({ handle: row.handle, startedAt: row.started_at, endedAt: row.ended_at }));
  }

  /** A caller unbinding one of their own keys (/keys remove); false when they have no such key. */
  async removeKey(userId: number, fingerprint: string): Promise<boolean> {
    return removeKeyOf(this.db, userId, fingerprint);
  }

  /** Running calls say they are still there (boards that stop without closing their calls go quiet). */
  async touchCalls(callIds: readonly number[]): Promise<void> {
    if (callIds.length > 0) this.sql.touchCalls.run(this.now(), JSON.stringify(callIds));
  }

  /** Calls not ended and heard from within `freshMs`, by node. */
  async openCalls(freshMs: number): Promise<OpenCall[]> {
    const rows = this.sql.openCalls.all(this.now() - freshMs) as Array<{ handle: string; node: number; remote: string; started_at: number }>;
    return rows.map((row) => ({ handle: row.handle, node: row.node, remote: row.remote, startedAt: row.started_at }));
  }

  async requestKick(userId: number, request: KickRequest): Promise<void> {
    this.sql.requestKick.run(userId, this.now(), request.by, request.reason);
  }

  /** The newest kick asked for each call since it began; every request for an account found is used up. */
  async takeKicks(calls: readonly KickedCall[]): Promise<Map<number, KickRequest>> {
    const take = this.db.transaction(() => {
      const since = new Map(calls.map((call) => [call.userId, call.since]));
      const found = new Map<number, KickRequest>();
      // Newest first: the first request at or after a call's start is the one it hears.
      for (const row of this.sql.kicksFor.all(JSON.stringify([...since.keys()])) as Array<KickRequest & { user_id: number; at: number }>) {
        if (!found.has(row.user_id) && row.at >= (since.get(row.user_id) ?? Infinity)) found.set(row.user_id, { by: row.by, reason: row.reason });
      }
      for (const userId of found.keys()) this.sql.clearKicks.run(userId);
      return found;
    });
    return take();
  }

  /** Who did what to whom: every sysop action, from the board or the CLI. */
  async logAction(actor: string, action: string, target: string, detail = ''): Promise<void> {
    this.sql.logAction.run(this.now(), actor, action, target, detail);
  }

  async actions(limit: number): Promise<SysopAction[]> {
    return this.sql.actions.all(limit) as SysopAction[];
  }

  /** The ban a row of users holds, if still in force; one whose end has passed is lifted. */
  private banInForce(userId: number, row: BanRow): Ban | undefined {
    if (row.banned !== 1) return undefined;
    if (row.ban_until !== null && row.ban_until <= this.now()) {
      this.sql.unban.run(userId);
      return undefined;
    }
    return { reason: row.ban_reason ?? '', until: row.ban_until, by: row.banned_by ?? '' };
  }
}

function prepare(db: Database) {
  return {
    ignored: db
      .prepare('SELECT u.handle FROM ignores i JOIN users u ON u.id = i.ignored_id WHERE i.user_id = ? ORDER BY u.handle')
      .pluck(),
    ignore: db.prepare('INSERT OR IGNORE INTO ignores (user_id, ignored_id) VALUES (?, ?)'),
    unignore: db.prepare('DELETE FROM ignores WHERE user_id = ? AND ignored_id = ?'),
    pagerOff: db.prepare('SELECT pager_off FROM users WHERE id = ?').pluck(),
    setPager: db.prepare('UPDATE users SET pager_off = ? WHERE id = ?'),
    timeZone: db.prepare('SELECT time_zone FROM users WHERE id = ?').pluck(),
    setTimeZone: db.prepare('UPDATE users SET time_zone = ? WHERE id = ?'),
    handleColor: db.prepare('SELECT handle_color FROM users WHERE id = ?').pluck(),
    setHandleColor: db.prepare('UPDATE users SET handle_color = ? WHERE id = ?'),
    ban: db.prepare('UPDATE users SET banned = 1, ban_reason = ?, ban_until = ?, banned_by = ? WHERE id = ?'),
    unban: db.prepare('UPDATE users SET banned = 0, ban_reason = NULL, ban_until = NULL, banned_by = NULL WHERE id = ?'),
    banOf: db.prepare('SELECT banned, ban_reason, ban_until, banned_by FROM users WHERE id = ?'),
    accountsNow: db.prepare(
      'SELECT id, handle, role, banned, ban_reason, ban_until, banned_by FROM users WHERE id IN (SELECT value FROM json_each(?))',
    ),
    countFromTo: db.prepare('SELECT count(*) FROM waiting_messages WHERE to_id = ? AND from_id = ?').pluck(),
    countTo: db.prepare('SELECT count(*) FROM waiting_messages WHERE to_id = ?').pluck(),
    insertWaiting: db.prepare('INSERT INTO waiting_messages (to_id, from_id, at, json) VALUES (?, ?, ?, ?)'),
    waitingFor: db.prepare('SELECT from_id, json FROM waiting_messages WHERE to_id = ? ORDER BY id'),
    anyWaiting: db.prepare('SELECT 1 FROM waiting_messages WHERE to_id = ? LIMIT 1'),
    deleteWaiting: db.prepare('DELETE FROM waiting_messages WHERE to_id = ?'),
    recentCalls: db.prepare(
      'SELECT u.handle, c.started_at, ' +
        'CASE WHEN c.ended_at IS NULL AND coalesce(c.seen_at, c.started_at) < ? THEN coalesce(c.seen_at, c.started_at) ELSE c.ended_at END AS ended_at ' +
        'FROM calls c JOIN users u ON u.id = c.user_id ORDER BY c.id DESC LIMIT ?',
    ),
    touchCalls: db.prepare('UPDATE calls SET seen_at = ? WHERE id IN (SELECT value FROM json_each(?))'),
    openCalls: db.prepare(
      'SELECT u.handle, c.node, c.remote, c.started_at FROM calls c JOIN users u ON u.id = c.user_id ' +
        'WHERE c.ended_at IS NULL AND coalesce(c.seen_at, c.started_at) >= ? ORDER BY c.node',
    ),
    requestKick: db.prepare('INSERT INTO kick_requests (user_id, at, by, reason) VALUES (?, ?, ?, ?)'),
    kicksFor: db.prepare('SELECT user_id, at, by, reason FROM kick_requests WHERE user_id IN (SELECT value FROM json_each(?)) ORDER BY id DESC'),
    clearKicks: db.prepare('DELETE FROM kick_requests WHERE user_id = ?'),
    logAction: db.prepare('INSERT INTO sysop_log (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)'),
    actions: db.prepare('SELECT at, actor, action, target, detail FROM sysop_log ORDER BY id DESC LIMIT ?'),
  };
}
