/**
 * The one place that decides which database the board and the CLI open: PostgreSQL when
 * store.postgres (or BBS_DATABASE_URL) is set, so several machines share the accounts; else SQLite
 * in the data folder. Every caller works through the Stores interfaces alone.
 */
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { poolOptionsFrom } from './postgres/config.js';
import { openSqliteStores } from './sqlite-stores.js';
import type { Stores, StoresOptions } from './store.js';

export type StoresConfig = Pick<Config, 'server' | 'store'>;

export interface OpenStoresOptions extends StoresOptions {
  /** Where a PostgreSQL pool reports a connection it lost while idle (the board's logger). */
  log?: Logger;
}

export async function openStores(config: Readonly<StoresConfig>, options: OpenStoresOptions): Promise<Stores> {
  const url = config.store.postgres;
  if (url) {
    // Loaded only here: a board on SQLite never loads the PostgreSQL driver.
    const { openPostgresStores } = await import('./postgres/open.js');
    return openPostgresStores({ ...options, url, pool: poolOptionsFrom(config.store) });
  }
  return openSqliteStores(config.server.data_dir, options);
}
