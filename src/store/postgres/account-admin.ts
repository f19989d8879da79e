/**
 * The sysop's heavier account changes in PostgreSQL: rename, delete (the foreign keys cascade to
 * the account's keys, calls, ignores both ways, waiting messages and kick requests), unbind a key.
 */
import type pg from 'pg';
import { StoreError } from '../errors.js';
import type { AccountAdmin } from '../store.js';
import { checkHandle, handleTaken } from '../user-input.js';
import { HANDLE_INDEX, isUniqueViolation, type Queryable } from './queries.js';

export function createPostgresAccountAdmin(pool: pg.Pool): AccountAdmin {
  async function mustFind(handle: string): Promise<{ id: number; handle: string }> {
    const { rows } = await pool.query<{ id: number; handle: string }>('SELECT id, handle FROM users WHERE lower(handle) = lower($1)', [handle]);
    if (!rows[0]) throw new StoreError('ERR_NO_SUCH_USER', `No user called ${handle}.`);
    return rows[0];
  }

  return {
    async renameUser(from, to) {
      checkHandle(to);
      const user = await mustFind(from);
      const { rows } = await pool.query<{ handle: string }>('SELECT handle FROM users WHERE lower(handle) = lower($1) AND id <> $2', [to, user.id]);
      if (rows[0]) throw handleTaken(rows[0].handle);
      try {
        await pool.query('UPDATE users SET handle = $1 WHERE id = $2', [to, user.id]);
      } catch (err) {
        if (isUniqueViolation(err, HANDLE_INDEX)) throw handleTaken(to);
        throw err;
      }
      return { from: user.handle, to };
    },
    async deleteUser(handle) {
      const user = await mustFind(handle);
      await pool.query('DELETE FROM users WHERE id = $1', [user.id]);
      return user.handle;
    },
    async removeKey(handle, fingerprint) {
      const user = await mustFind(handle);
      return removeKeyOf(pool, user.id, fingerprint);
    },
  };
}

export async function removeKeyOf(db: Queryable, userId: number, fingerprint: string): Promise<boolean> {
  const result = await db.query('DELETE FROM user_keys WHERE user_id = $1 AND fingerprint = $2', [userId, fingerprint]);
  return (result.rowCount ?? 0) > 0;
}
