/**
 * A board's folders as a sysop lays them out before starting the real entry point: the test run's
 * host keys, a config.yaml, and a database with accounts (and sysops) made beforehand. env is what
 * runBoardProcess needs to use them, on 127.0.0.1 port 0.
 */
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { openDatabase } from '../../src/store/db.js';
import { createPasswordHasher } from '../../src/store/passwords.js';
import { SqliteUserStore } from '../../src/store/users.js';

export interface BoardFolder {
  /** Remove it all with rmSync(dir, { recursive: true }). */
  dir: string;
  env: Record<string, string>;
}

export async function prepareBoardFolder(options: { prefix: string; config?: string; users: string[]; sysops?: string[]; password: string }): Promise<BoardFolder> {
  const dir = mkdtempSync(path.join(os.tmpdir(), options.prefix));
  const keysDir = path.join(dir, 'keys');
  const dataDir = path.join(dir, 'data');
  cpSync(inject('hostKeysDir'), keysDir, { recursive: true });
  writeFileSync(path.join(dir, 'config.yaml'), options.config ?? '');
  const db = openDatabase(dataDir);
  const users = new SqliteUserStore(db, createPasswordHasher({ maxConcurrent: 2 }));
  for (const handle of options.users) await users.create({ handle, password: options.password });
  for (const handle of options.sysops ?? []) await users.create({ handle, password: options.password, role: 'sysop' });
  db.close();
  const env = { BBS_CONFIG: path.join(dir, 'config.yaml'), BBS_HOST: '127.0.0.1', BBS_PORT: '0', BBS_DATA_DIR: dataDir, BBS_KEYS_DIR: keysDir };
  return { dir, env };
}
