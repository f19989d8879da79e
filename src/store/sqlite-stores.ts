/**
 * The SQLite implementation of Stores: one file, `bbs.sqlite` in the data folder, opened and
 * migrated by db.ts, shared by the board, its workers and the CLI (WAL and a busy timeout make that
 * safe). better-sqlite3 is synchronous, and on a local file each prepared statement takes
 * microseconds, so every method does its work when called and returns a settled promise: no caller
 * waits on the event loop longer than it did when the store was synchronous.
 */
import { createSqliteAccountAdmin } from './account-admin.js';
import { SqliteCommunityStore } from './community.js';
import { databaseFile, openDatabase, type Database } from './db.js';
import { createSqliteHistoryStore } from './history.js';
import type { Stores, StoresOptions } from './store.js';
import { SqliteUserStore } from './users.js';

export interface SqliteStores extends Stores {
  readonly kind: 'sqlite';
  /** The open file, for what only SQLite does (bbs backup's online copy). */
  readonly database: Database;
}

/** True for the SQLite stores: what only SQLite does (a file copy) asks this first. */
export function isSqliteStores(stores: Stores): stores is SqliteStores {
  return stores.kind === 'sqlite' && 'database' in stores;
}

/** Opens (by default creating) `<dataDir>/bbs.sqlite`; throws db.ts's StoreErrors at once. */
export function openSqliteStores(dataDir: string, options: StoresOptions): SqliteStores {
  const db = openDatabase(dataDir, { create: options.create ?? true });
  const now = options.now ?? Date.now;
  return {
    kind: 'sqlite',
    database: db,
    users: new SqliteUserStore(db, options.hasher, { now }),
    community: new SqliteCommunityStore(db, now),
    history: createSqliteHistoryStore(db),
    admin: createSqliteAccountAdmin(db),
    describe: () => databaseFile(dataDir),
    // Writes are done when issued, so there is nothing to wait for; closing twice is a no-op.
    close: async () => void (db.open && db.close()),
  };
}
