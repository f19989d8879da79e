/**
 * The room's recent history in PostgreSQL. The room appends without waiting for each append, and a
 * pool runs queries on several connections at once, so appends are chained here: each INSERT is
 * issued after the one before has finished, and ids (the replay order) follow the order of the
 * calls. Several board instances on one database each append only what was said on them (the
 * room stores a line where it was said), so every line is stored once.
 */
import type pg from 'pg';
import type { ChatMessage } from '../../chat/messages.js';
import { parseMessage } from '../history.js';
import { HISTORY_ROWS_KEPT, type HistoryStore } from '../store.js';

/** Appends between trims: keeps the table under HISTORY_ROWS_KEPT + TRIM_EVERY rows per instance. */
const TRIM_EVERY = 100;

export interface PostgresHistoryStore extends HistoryStore {
  /** Settles when every append issued so far has. */
  drain(): Promise<void>;
  /** Drops all but the newest HISTORY_ROWS_KEPT rows (appends do it now and then by themselves). */
  trim(): Promise<void>;
}

export function createPostgresHistoryStore(pool: pg.Pool): PostgresHistoryStore {
  let tail: Promise<unknown> = Promise.resolve();
  let appendsSinceTrim = 0;

  const trim = async () => {
    await pool.query('DELETE FROM chat_history WHERE id <= (SELECT id FROM chat_history ORDER BY id DESC LIMIT 1 OFFSET $1)', [HISTORY_ROWS_KEPT]);
  };

  return {
    async load(limit) {
      const count = Math.min(Math.max(0, Math.floor(limit)), HISTORY_ROWS_KEPT);
      if (count === 0) return [];
      const { rows } = await pool.query<{ json: string }>(
        'SELECT json FROM (SELECT id, json FROM chat_history ORDER BY id DESC LIMIT $1) newest ORDER BY id ASC',
        [count],
      );
      return rows.map((row) => parseMessage(row.json)).filter((m): m is ChatMessage => m !== undefined);
    },
    append(message) {
      const json = JSON.stringify(message);
      const trimNow = ++appendsSinceTrim >= TRIM_EVERY;
      if (trimNow) appendsSinceTrim = 0;
      const done = tail.then(async () => {
        await pool.query('INSERT INTO chat_history (at, json) VALUES ($1, $2)', [message.at, json]);
        if (trimNow) await trim();
      });
      // A failed append is its caller's to report; the next one still waits only for this one to settle.
      tail = done.catch(() => undefined);
      return done;
    },
    drain: () => tail.then(() => undefined),
    trim,
  };
}
