/**
 * `bbs backup <file>`: a consistent copy of the board's database, safe while the board runs
 * (SQLite's online backup), checked after it is written. It never overwrites a file. It copies a
 * SQLite file, so a board whose store is a database server is told to use that server's tools.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { CliIo } from './cli.js';
import { chooseDatabase, describeChoice, openChosenStores } from './cli-database.js';
import { loadConfig } from './config.js';
import { backupDatabase } from './store/inspect.js';
import { createPasswordHasher } from './store/passwords.js';
import { isSqliteStores } from './store/sqlite-stores.js';

export async function runBackup(target: string, io: CliIo): Promise<number> {
  const config = loadConfig({ env: io.env, cwd: io.cwd });
  const file = path.resolve(io.cwd, target);
  if (existsSync(file)) {
    io.stderr.write(`bbs: ${file} already exists. Give a new file name; a backup never overwrites.\n`);
    return 1;
  }
  const choice = chooseDatabase(config, io.env, io.cwd);
  const stores = await openChosenStores(config, choice, { hasher: createPasswordHasher({ maxConcurrent: 1 }), create: false });
  io.stderr.write(`${describeChoice(choice)}\n`);
  try {
    if (!isSqliteStores(stores)) {
      io.stderr.write(`bbs: backup copies a SQLite database; this board keeps its data in ${stores.describe()}: back that up with its own tools (pg_dump), or use bbs export for a portable copy.\n`);
      return 1;
    }
    const { pages, health } = await backupDatabase(stores.database, file);
    if (health.check !== 'ok') {
      io.stderr.write(`bbs: the copy at ${file} failed its check (${health.check}). Try again.\n`);
      return 1;
    }
    io.stdout.write(`Backed up ${choice.file} to ${file} (${pages} pages, checked).\n`);
    return 0;
  } finally {
    await stores.close();
  }
}
