/**
 * A board's folders as a sysop lays them out before starting the real entry point: the test run's
 * host keys, a config.yaml, and a database with accounts (and sysops) made beforehand: the SQLite
 * file in the folder, or the PostgreSQL database at `databaseUrl`. env is what runBoardProcess
 * needs to use them, on 127.0.0.1 port 0.
 */
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { openStores } from '../../src/store/open-stores.js';
import { createPasswordHasher } from '../../src/store/passwords.js';

export interface BoardFolder {
  /** Remove it all with rmSync(dir, { recursive: true }). */
  dir: string;
  env: Record<string, string>;
}

export interface BoardFolderOptions {
  prefix: string;
  config?: string;
  users: string[];
  sysops?: string[];
  password: string;
  /** Keep the accounts in this PostgreSQL database (BBS_DATABASE_URL) instead of the folder's SQLite file. */
  databaseUrl?: string;
}

export async function prepareBoardFolder(options: BoardFolderOptions): Promise<BoardFolder> {
  const dir = mkdtempSync(path.join(os.tmpdir(), options.prefix));
  const keysDir = path.join(dir, 'keys');
  const dataDir = path.join(dir, 'data');
  cpSync(inject('hostKeysDir'), keysDir, { recursive: true });
  writeFileSync(path.join(dir, 'config.yaml'), options.config ?? '');
  const config = parseConfig({ server: { data_dir: dataDir }, store: { postgres: options.databaseUrl } });
  const stores = await openStores(config, { hasher: createPasswordHasher({ maxConcurrent: 2 }) });
  try {
    for (const handle of options.users) await stores.users.create({ handle, password: options.password });
    for (const handle of options.sysops ?? []) await stores.users.create({ handle, password: options.password, role: 'sysop' });
  } finally {
    await stores.close();
  }
  const env: Record<string, string> = { BBS_CONFIG: path.join(dir, 'config.yaml'), BBS_HOST: '127.0.0.1', BBS_PORT: '0', BBS_DATA_DIR: dataDir, BBS_KEYS_DIR: keysDir };
  if (options.databaseUrl) env.BBS_DATABASE_URL = options.databaseUrl;
  return { dir, env };
}
