/**
 * The teleconference's recent history, kept across restarts: each replayable message as a JSON row.
 * Only the newest rows matter, so the table is trimmed now and then rather than on every append.
 * Rows that no longer parse (hand edits, an older message shape) are skipped, never fatal.
 */
import type { ChatMessage } from '../chat/messages.js';
import type { Database } from './db.js';
import { HISTORY_ROWS_KEPT, type HistoryStore } from './store.js';

/** Appends between trims: keeps the table under HISTORY_ROWS_KEPT + TRIM_EVERY rows. */
const TRIM_EVERY = 100;

/** Each append is written when called, so appends not awaited in turn still land in call order. */
export function createSqliteHistoryStore(db: Database): HistoryStore {
  const insert = db.prepare('INSERT INTO chat_history (at, json) VALUES (?, ?)');
  const newest = db
    .prepare('SELECT json FROM (SELECT id, json FROM chat_history ORDER BY id DESC LIMIT ?) ORDER BY id ASC')
    .pluck();
  const trim = db.prepare(
    'DELETE FROM chat_history WHERE id <= (SELECT id FROM chat_history ORDER BY id DESC LIMIT 1 OFFSET ?)',
  );
  let appendsSinceTrim = 0;
  trim.run(HISTORY_ROWS_KEPT);

  return {
    async load(limit) {
      const count = Math.min(Math.max(0, Math.floor(limit)), HISTORY_ROWS_KEPT);
      if (count === 0) return [];
      const rows = newest.all(count) as string[];
      return rows.map(parseMessage).filter((m): m is ChatMessage => m !== undefined);
    },
    async append(message) {
      insert.run(message.at, JSON.stringify(message));
      appendsSinceTrim += 1;
      if (appendsSinceTrim >= TRIM_EVERY) {
        appendsSinceTrim = 0;
        trim.run(HISTORY_ROWS_KEPT);
      }
    },
  };
}

export function parseMessage(json: string): ChatMessage | undefined {
  try {
    const value: unknown = JSON.parse(json);
    if (typeof value !== 'object' || value === null) return undefined;
    const { kind, at } = value as { kind?: unknown; at?: unknown };
    return typeof kind === 'string' && typeof at === 'number' ? (value as ChatMessage) : undefined;
  } catch {
    return undefined;
  }
}
