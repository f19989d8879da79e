/**
 * The sysop's heavier account changes: rename, delete, unbind a key. Kept apart from users.ts (the
 * everyday queries). A running board notices each of them at the caller's next account check.
 */
import type { Database } from './db.js';
import { StoreError } from './errors.js';
import type { AccountAdmin } from './store.js';
import { checkHandle, handleTaken } from './user-input.js';

/** The work is done when called, as in the other SQLite stores. */
export function createSqliteAccountAdmin(db: Database): AccountAdmin {
  return {
    renameUser: async (from, to) => renameUser(db, from, to),
    deleteUser: async (handle) => deleteUser(db, handle),
    removeKey: async (handle, fingerprint) => removeKey(db, handle, fingerprint),
  };
}

function renameUser(db: Database, from: string, to: string): { from: string; to: string } {
  checkHandle(to);
  const row = db.prepare('SELECT id, handle FROM users WHERE handle = ?').get(from) as { id: number; handle: string } | undefined;
  if (!row) throw new StoreError('ERR_NO_SUCH_USER', `No user called ${from}.`);
  const other = db.prepare('SELECT handle FROM users WHERE handle = ? AND id <> ?').get(to, row.id) as { handle: string } | undefined;
  if (other) throw handleTaken(other.handle);
  db.prepare('UPDATE users SET handle = ? WHERE id = ?').run(to, row.id);
  return { from: row.handle, to };
}

/** Removes the account and, by cascade, its keys, calls, ignores and waiting messages. */
function deleteUser(db: Database, handle: string): string {
  const row = db.prepare('SELECT id, handle FROM users WHERE handle = ?').get(handle) as { id: number; handle: string } | undefined;
  if (!row) throw new StoreError('ERR_NO_SUCH_USER', `No user called ${handle}.`);
  db.prepare('DELETE FROM users WHERE id = ?').run(row.id);
  return row.handle;
}

/** Unbinds the key with this fingerprint (as `bbs user key list` shows it) from the account. */
function removeKey(db: Database, handle: string, fingerprint: string): boolean {
  const user = db.prepare('SELECT id FROM users WHERE handle = ?').get(handle) as { id: number } | undefined;
  if (!user) throw new StoreError('ERR_NO_SUCH_USER', `No user called ${handle}.`);
  return removeKeyOf(db, user.id, fingerprint);
}

export function removeKeyOf(db: Database, userId: number, fingerprint: string): boolean {
  return db.prepare('DELETE FROM user_keys WHERE user_id = ? AND fingerprint = ?').run(userId, fingerprint).changes > 0;
}
