/**
 * The PostgreSQL implementation of Stores: one database on a server, shared by every board
 * instance and the CLI. Opening checks that the server answers and brings the schema up to date
 * (safe with several instances starting at once: see schema.ts), so a board with a wrong URL or a
 * dead server stops at start-up with one sentence instead of failing its first caller.
 */
import type pg from 'pg';
import type { Logger } from 'pino';
import { StoreError } from '../errors.js';
import type { Stores, StoresOptions } from '../store.js';
import { createPostgresAccountAdmin } from './account-admin.js';
import { PostgresCommunityStore } from './community.js';
import { createPostgresHistoryStore } from './history.js';
import { describePostgres } from './config.js';
import { createPool, openFailure, type PoolOptions } from './pool.js';
import { migrate, schemaVersion, type MigrationResult } from './schema.js';
import { PostgresUserStore } from './users.js';

export interface PostgresStoresOptions extends StoresOptions {
  url: string;
  pool: Omit<PoolOptions, 'url' | 'log'>;
  log?: Logger;
}

export interface PostgresStores extends Stores {
  readonly kind: 'postgres';
  /** What opening did to the schema (from = to when it was up to date). */
  readonly migration: MigrationResult;
  /** The open pool, for what works on tables rather than through the stores (bbs export and import). */
  readonly pool: pg.Pool;
}

/**
 * A pool on `url` whose server answered and whose schema is up to date. With `create: false` a
 * database ssh-bbs has never set up is ERR_DB_MISSING rather than given a schema. Any failure
 * closes the pool and becomes one StoreError naming the database without its password.
 */
async function connectPostgres(options: Omit<PostgresStoresOptions, 'hasher'>): Promise<{ pool: pg.Pool; migration: MigrationResult }> {
  const { url } = options;
  const pool = createPool({ ...options.pool, url, log: options.log });
  try {
    if (options.create === false && (await schemaVersion(pool)) === 0) {
      throw new StoreError('ERR_DB_MISSING', `The database ${describePostgres(url)} has no ssh-bbs schema yet: run bbs migrate.`);
    }
    return { pool, migration: await migrate(pool, options.now) };
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw openFailure(url, err);
  }
}

export async function openPostgresStores(options: PostgresStoresOptions): Promise<PostgresStores> {
  const { url } = options;
  const now = options.now ?? Date.now;
  const { pool, migration } = await connectPostgres(options);
  const history = createPostgresHistoryStore(pool);
  try {
    await history.trim();
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw openFailure(url, err);
  }
  let closing: Promise<void> | undefined;
  return {
    kind: 'postgres',
    migration,
    pool,
    users: new PostgresUserStore(pool, options.hasher, now),
    community: new PostgresCommunityStore(pool, now),
    history,
    admin: createPostgresAccountAdmin(pool),
    describe: () => describePostgres(url),
    close: () =>
      (closing ??= (async () => {
        await history.drain();
        await pool.end();
      })()),
  };
}
