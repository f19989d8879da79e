/**
 * The PostgreSQL schema's migrations on a real server: a new database gets every table, a second
 * run finds nothing to do, several instances starting at once apply each migration once, an older
 * schema is upgraded with its rows kept, and a schema newer than this ssh-bbs is refused.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { createPool } from '../../src/store/postgres/pool.js';
import { migrate, POSTGRES_SCHEMA_VERSION, schemaVersion } from '../../src/store/postgres/schema.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';

const opened: Array<pg.Pool | TestDatabase> = [];

async function freshDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase();
  opened.push(database);
  return database;
}

function pool(url: string): pg.Pool {
  const made = createPool({ url, size: 2, connectTimeoutMs: 5000, statementTimeoutMs: 5000 });
  opened.unshift(made);
  return made;
}

afterEach(async () => {
  for (const item of opened.splice(0)) await ('drop' in item ? item.drop() : item.end());
});

describe('PostgreSQL migrations', () => {
  it('create every table on a new database, then have nothing left to do', async () => {
    const db = pool((await freshDatabase()).url);
    expect(await schemaVersion(db)).toBe(0);
    expect(await migrate(db)).toEqual({ from: 0, to: POSTGRES_SCHEMA_VERSION });
    expect(await migrate(db)).toEqual({ from: POSTGRES_SCHEMA_VERSION, to: POSTGRES_SCHEMA_VERSION });
    const tables = await db.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1");
    expect(tables.rows.map((r) => r.name)).toEqual([
      'calls', 'chat_history', 'ignores', 'kick_requests', 'schema_migrations', 'sysop_log', 'user_keys', 'users', 'waiting_messages',
    ]);
  });

  it('apply each migration once when several instances start together', async () => {
    const { url } = await freshDatabase();
    const pools = [pool(url), pool(url), pool(url), pool(url)];
    const results = await Promise.all(pools.map((p) => migrate(p)));
    expect(results.filter((r) => r.from === 0)).toHaveLength(1);
    const rows = await pools[0]!.query('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.rows.map((r) => r.version)).toEqual(Array.from({ length: POSTGRES_SCHEMA_VERSION }, (_, i) => i + 1));
  });

  it('refuse a schema written by a newer ssh-bbs', async () => {
    const db = pool((await freshDatabase()).url);
    await migrate(db);
    await db.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, 0)', [POSTGRES_SCHEMA_VERSION + 1]);
    await expect(migrate(db)).rejects.toMatchObject({ code: 'ERR_DB_TOO_NEW' });
  });

  it('upgrade a board made before handle colours (version 1), keeping its accounts', async () => {
    const db = pool((await freshDatabase()).url);
    await migrate(db);
    await db.query("INSERT INTO users (handle, password_hash, created_at) VALUES ('Alice', 'x', 0)");
    // Back to version 1: migration 2 is the one that added the handle colour.
    await db.query('ALTER TABLE users DROP COLUMN handle_color');
    await db.query('DELETE FROM schema_migrations WHERE version >= 2');
    expect(await migrate(db)).toEqual({ from: 1, to: POSTGRES_SCHEMA_VERSION });
    const users = await db.query('SELECT handle, handle_color FROM users');
    expect(users.rows).toEqual([{ handle: 'Alice', handle_color: null }]);
  });

  it('make handles unique without regard to case', async () => {
    const db = pool((await freshDatabase()).url);
    await migrate(db);
    await db.query("INSERT INTO users (handle, password_hash, created_at) VALUES ('Alice', 'x', 0)");
    await expect(db.query("INSERT INTO users (handle, password_hash, created_at) VALUES ('ALICE', 'x', 0)")).rejects.toMatchObject({ code: '23505' });
  });
});
