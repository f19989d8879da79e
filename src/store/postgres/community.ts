/**
 * The community's memory in PostgreSQL: the CommunityStore contract (src/store/store.ts) with the
 * SQLite store's semantics. Several board instances share this database, so each method that
 * reads and then writes is one statement or holds a row lock: two instances taking the same
 * waiting messages, or leaving messages past a limit together, cannot both succeed.
 */
import type pg from 'pg';
import type { ChatMessage } from '../../chat/messages.js';
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
} from '../store.js';
import { removeKeyOf } from './account-admin.js';
import { inTransaction } from './queries.js';

interface BanRow {
  banned: boolean;
  ban_reason: string | null;
  ban_until: number | null;
  banned_by: string | null;
}

export class PostgresCommunityStore implements CommunityStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly now: () => number,
  ) {}

  async ignored(userId: number): Promise<string[]> {
    const { rows } = await this.pool.query<{ handle: string }>(
      'SELECT u.handle FROM ignores i JOIN users u ON u.id = i.ignored_id WHERE i.user_id = $1 ORDER BY lower(u.handle) COLLATE "C"',
      [userId],
    );
    return rows.map((row) => row.handle);
  }

  async setIgnored(userId: number, targetId: number, ignored: boolean): Promise<void> {
    if (ignored) await this.pool.query('INSERT INTO ignores (user_id, ignored_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [userId, targetId]);
    else await this.pool.query('DELETE FROM ignores WHERE user_id = $1 AND ignored_id = $2', [userId, targetId]);
  }

  async pagerOff(userId: number): Promise<boolean> {
    return (await this.column<boolean>('pager_off', userId)) === true;
  }

  async setPagerOff(userId: number, off: boolean): Promise<void> {
    await this.pool.query('UPDATE users SET pager_off = $1 WHERE id = $2', [off, userId]);
  }

  async timeZone(userId: number): Promise<string | undefined> {
    return (await this.column<string | null>('time_zone', userId)) ?? undefined;
  }

  async setTimeZone(userId: number, zone: string | undefined): Promise<void> {
    await this.pool.query('UPDATE users SET time_zone = $1 WHERE id = $2', [zone ?? null, userId]);
  }

  async handleColor(userId: number): Promise<string | undefined> {
    return (await this.column<string | null>('handle_color', userId)) ?? undefined;
  }

  async setHandleColor(userId: number, color: string | undefined): Promise<void> {
    await this.pool.query('UPDATE users SET handle_color = $1 WHERE id = $2', [color ?? null, userId]);
  }

  async ban(userId: number, ban: Ban): Promise<void> {
    await this.pool.query('UPDATE users SET banned = true, ban_reason = $1, ban_until = $2, banned_by = $3 WHERE id = $4', [
      ban.reason,
      ban.until,
      ban.by,
      userId,
    ]);
  }

  async unban(userId: number): Promise<void> {
    await this.pool.query('UPDATE users SET banned = false, ban_reason = NULL, ban_until = NULL, banned_by = NULL WHERE id = $1', [userId]);
  }

  async activeBan(userId: number): Promise<Ban | undefined> {
    const { rows } = await this.pool.query<BanRow>('SELECT banned, ban_reason, ban_until, banned_by FROM users WHERE id = $1', [userId]);
    return rows[0] ? this.banInForce(userId, rows[0]) : undefined;
  }

  /** One query for every running call's account, however many. */
  async accountsNow(userIds: readonly number[]): Promise<Map<number, AccountNow>> {
    const { rows } = await this.pool.query<BanRow & { id: number; handle: string; role: Role }>(
      'SELECT id, handle, role, banned, ban_reason, ban_until, banned_by FROM users WHERE id = ANY($1::bigint[])',
      [userIds],
    );
    const found = new Map<number, AccountNow>();
    for (const row of rows) found.set(row.id, { handle: row.handle, role: row.role, ban: await this.banInForce(row.id, row) });
    return found;
  }

  async leaveMessage(toId: number, fromId: number, message: ChatMessage, limits: WaitingLimits): Promise<LeaveResult> {
    return inTransaction(this.pool, async (client) => {
      // The recipient's row lock puts messages for one recipient in a queue, so the counts hold.
      await client.query('SELECT id FROM users WHERE id = $1 FOR UPDATE', [toId]);
      const { rows } = await client.query<{ from_sender: number; in_all: number }>(
        'SELECT count(*) FILTER (WHERE from_id = $2) AS from_sender, count(*) AS in_all FROM waiting_messages WHERE to_id = $1',
        [toId, fromId],
      );
      const counts = rows[0]!;
      if (counts.from_sender >= limits.perSender) return 'sender-limit';
      if (counts.in_all >= limits.perRecipient) return 'recipient-limit';
      await client.query('INSERT INTO waiting_messages (to_id, from_id, at, json) VALUES ($1, $2, $3, $4)', [
        toId,
        fromId,
        message.at,
        JSON.stringify(message),
      ]);
      return 'stored';
    });
  }

  async takeWaiting(toId: number): Promise<WaitingMessage[]> {
    // One DELETE … RETURNING: two instances asking at once cannot both get the same message.
    const { rows } = await this.pool.query<{ id: number; from_id: number; json: string }>(
      'DELETE FROM waiting_messages WHERE to_id = $1 RETURNING id, from_id, json',
      [toId],
    );
    rows.sort((a, b) => a.id - b.id);
    return rows.map((row) => ({ fromId: row.from_id, message: JSON.parse(row.json) as ChatMessage }));
  }

  async recentCalls(limit: number, freshMs: number): Promise<RecentCall[]> {
    const { rows } = await this.pool.query<{ handle: string; started_at: number; ended_at: number | null }>(
      `SELECT u.handle, c.started_at,
         CASE WHEN c.ended_at IS NULL AND coalesce(c.seen_at, c.started_at) < $1 THEN coalesce(c.seen_at, c.started_at) ELSE c.ended_at END AS ended_at
       FROM calls c JOIN users u ON u.id = c.user_id ORDER BY c.id DESC LIMIT $2`,
      [this.now() - freshMs, limit],
    );
    return rows.map((row) => ({ handle: row.handle, startedAt: row.started_at, endedAt: row.ended_at }));
  }

  async removeKey(userId: number, fingerprint: string): Promise<boolean> {
    return removeKeyOf(this.pool, userId, fingerprint);
  }

  async touchCalls(callIds: readonly number[]): Promise<void> {
    if (callIds.length === 0) return;
    await this.pool.query('UPDATE calls SET seen_at = $1 WHERE id = ANY($2::bigint[])', [this.now(), callIds]);
  }

  async openCalls(freshMs: number): Promise<OpenCall[]> {
    const { rows } = await this.pool.query<{ handle: string; node: number; remote: string; started_at: number }>(
      `SELECT u.handle, c.node, c.remote, c.started_at FROM calls c JOIN users u ON u.id = c.user_id
       WHERE c.ended_at IS NULL AND coalesce(c.seen_at, c.started_at) >= $1 ORDER BY c.node, c.id`,
      [this.now() - freshMs],
    );
    return rows.map((row) => ({ handle: row.handle, node: row.node, remote: row.remote, startedAt: row.started_at }));
  }

  async requestKick(userId: number, request: KickRequest): Promise<void> {
    await this.pool.query('INSERT INTO kick_requests (user_id, at, requested_by, reason) VALUES ($1, $2, $3, $4)', [
      userId,
      this.now(),
      request.by,
      request.reason,
    ]);
  }

  async takeKicks(calls: readonly KickedCall[]): Promise<Map<number, KickRequest>> {
    if (calls.length === 0) return new Map();
    // One statement: each account's newest request since its call began is read, and every
    // request of the accounts found used up together.
    const { rows } = await this.pool.query<KickRequest & { user_id: number }>(
      `WITH asked AS (
         SELECT * FROM unnest($1::bigint[], $2::bigint[]) AS a (user_id, since)
       ), found AS (
         SELECT DISTINCT ON (k.user_id) k.user_id, k.requested_by AS "by", k.reason
         FROM kick_requests k JOIN asked a ON a.user_id = k.user_id AND k.at >= a.since
         ORDER BY k.user_id, k.id DESC
       ), used AS (
         DELETE FROM kick_requests WHERE user_id IN (SELECT user_id FROM found)
       )
       SELECT user_id, "by", reason FROM found`,
      [calls.map((call) => call.userId), calls.map((call) => call.since)],
    );
    return new Map(rows.map((row) => [row.user_id, { by: row.by, reason: row.reason }]));
  }

  async logAction(actor: string, action: string, target: string, detail = ''): Promise<void> {
    await this.pool.query('INSERT INTO sysop_log (at, actor, action, target, detail) VALUES ($1, $2, $3, $4, $5)', [
      this.now(),
      actor,
      action,
      target,
      detail,
    ]);
  }

  async actions(limit: number): Promise<SysopAction[]> {
    const { rows } = await this.pool.query<SysopAction>('SELECT at, actor, action, target, detail FROM sysop_log ORDER BY id DESC LIMIT $1', [limit]);
    return rows;
  }

  /** The ban a row of users holds, if still in force; one whose end has passed is lifted. */
  private async banInForce(userId: number, row: BanRow): Promise<Ban | undefined> {
    if (!row.banned) return undefined;
    if (row.ban_until !== null && row.ban_until <= this.now()) {
      // Only the ban that ran out is lifted: a new one set meanwhile has another end.
      await this.pool.query(
        'UPDATE users SET banned = false, ban_reason = NULL, ban_until = NULL, banned_by = NULL WHERE id = $1 AND ban_until = $2',
        [userId, row.ban_until],
      );
      return undefined;
    }
    return { reason: row.ban_reason ?? '', until: row.ban_until, by: row.banned_by ?? '' };
  }

  private async column<T>(name: 'pager_off' | 'time_zone' | 'handle_color', userId: number): Promise<T | undefined> {
    const { rows } = await this.pool.query<Record<string, T>>(`SELECT ${name} FROM users WHERE id = $1`, [userId]);
    return rows[0]?.[name];
  }
}
