/**
 * The one place that decides which database the board and the CLI open. Today that is SQLite in
 * the data folder; a server database (issue #9: PostgreSQL for what is kept, so several machines
 * share the accounts) plugs in here, chosen by its own config key, and every caller keeps working
 * through the Stores interfaces alone.
 */
import type { Config } from '../config.js';
import { openSqliteStores } from './sqlite-stores.js';
import type { Stores, StoresOptions } from './store.js';

export type StoresConfig = Pick<Config, 'server'>;

export async function openStores(config: Readonly<StoresConfig>, options: StoresOptions): Promise<Stores> {
  return openSqliteStores(config.server.data_dir, options);
}
