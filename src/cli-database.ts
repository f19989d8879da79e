/**
 * Which board database a CLI command uses, and saying so. The CLI finds the database the way the
 * board does (config.yaml beside the working folder, or BBS_CONFIG; BBS_DATA_DIR over both), so
 * run from the wrong folder or without the board's variables it would look somewhere else: it
 * opens only a database that exists (creating one only with --create) and names the one it used:
 * the SQLite file, or the PostgreSQL server when store.postgres / BBS_DATABASE_URL is set.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Config } from './config.js';
import { databaseFile } from './store/db.js';
import { StoreError } from './store/errors.js';
import { describePostgres } from './store/postgres/config.js';
import { openStores } from './store/open-stores.js';
import type { Stores, StoresOptions } from './store/store.js';

export interface DatabaseChoice {
  kind: 'sqlite' | 'postgres';
  /** The SQLite file, or the PostgreSQL server and database (its password masked). */
  file: string;
  /** Where the data folder or URL came from, in the words a sysop would use to change it. */
  source: string;
}

export function chooseDatabase(config: Readonly<Config>, env: NodeJS.ProcessEnv, cwd: string): DatabaseChoice {
  const configFile = path.resolve(cwd, env.BBS_CONFIG ?? 'config.yaml');
  if (config.store.postgres) {
    const source = env.BBS_DATABASE_URL ? 'BBS_DATABASE_URL' : `store.postgres in ${configFile}`;
    return { kind: 'postgres', file: describePostgres(config.store.postgres), source };
  }
  const file = databaseFile(config.server.data_dir);
  if (env.BBS_DATA_DIR) return { kind: 'sqlite', file, source: 'BBS_DATA_DIR' };
  if (existsSync(configFile)) return { kind: 'sqlite', file, source: `server.data_dir in ${configFile}` };
  return { kind: 'sqlite', file, source: 'the default data folder: no config.yaml here, no BBS_DATA_DIR' };
}

/** The line the CLI prints (on stderr, so stdout stays clean for scripts) before it uses a database. */
export function describeChoice(choice: DatabaseChoice): string {
  return `bbs: database ${choice.file} (${choice.source})`;
}

/** Opens the chosen database's stores; a missing one is an error that says where to look, unless `options.create`. */
export async function openChosenStores(config: Readonly<Config>, choice: DatabaseChoice, options: StoresOptions): Promise<Stores> {
  try {
    return await openStores(config, options);
  } catch (err) {
    throw explainMissing(err, choice);
  }
}

function explainMissing(err: unknown, choice: DatabaseChoice): unknown {
  // PostgreSQL's own sentence already says what to do (run bbs migrate).
  if (!(err instanceof StoreError) || err.code !== 'ERR_DB_MISSING' || choice.kind !== 'sqlite') return err;
  return new StoreError(
    'ERR_DB_MISSING',
    `There is no board database at ${choice.file} (${choice.source}). Run bbs where the board's ` +
      'config.yaml is, or with its BBS_CONFIG / BBS_DATA_DIR; to start a new board here, add --create.',
  );
}
