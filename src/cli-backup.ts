/**
 * `bbs backup <file>`: a consistent copy of the board's database, safe while the board runs
 * (SQLite's online backup), checked after it is written. It never overwrites a file.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { CliIo } from './cli.js';
import { chooseDatabase, describeChoice, openChosenDatabase } from './cli-database.js';
import { loadConfig } from './config.js';
import { backupDatabase } from './store/inspect.js';

export async function runBackup(target: string, io: CliIo): Promise<number> {
  const config = loadConfig({ env: io.env, cwd: io.cwd });
  if (config.store.postgres) {
    io.stderr.write('bbs: backup copies the SQLite file; the board is on PostgreSQL (store.postgres): use pg_dump, or bbs export for a portable copy.\n');
    return 1;
  }
  const file = path.resolve(io.cwd, target);
  if (existsSync(file)) {
    io.stderr.write(`bbs: ${file} already exists. Give a new file name; a backup never overwrites.\n`);
    return 1;
  }
  const choice = chooseDatabase(config, io.env, io.cwd);
  const db = openChosenDatabase(config, choice);
  io.stderr.write(`${describeChoice(choice)}\n`);
  try {
    const { pages, health } = await backupDatabase(db, file);
    if (health.check !== 'ok') {
      io.stderr.write(`bbs: the copy at ${file} failed its check (${health.check}). Try again.\n`);
      return 1;
    }
    io.stdout.write(`Backed up ${choice.file} to ${file} (${pages} pages, checked).\n`);
    return 0;
  } finally {
    db.close();
  }
}
