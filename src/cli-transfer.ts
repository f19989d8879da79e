/**
 * `bbs migrate`, `bbs export <file>` and `bbs import <file> [--replace]`: the schema brought up to
 * date, and a whole board moved between databases through the portable file of
 * store/transfer/format.ts. Each works on the database the board's config chooses: PostgreSQL
 * when store.postgres (or BBS_DATABASE_URL) is set, else the SQLite file in the data folder. So a
 * move from SQLite to PostgreSQL is an export without the URL and an import with it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { CliIo } from './cli.js';
import { chooseDatabase, describeChoice, openChosenStores } from './cli-database.js';
import { loadConfig } from './config.js';
import { SCHEMA_VERSION } from './store/db.js';
import { inspectDatabase } from './store/inspect.js';
import { createPasswordHasher } from './store/passwords.js';
import { isPostgresStores } from './store/postgres/config.js';
import type { MigrationResult } from './store/postgres/schema.js';
import { postgresTables } from './store/postgres/tables.js';
import { exportBoard } from './store/transfer/export.js';
import { describeCounts } from './store/transfer/format.js';
import { importBoard } from './store/transfer/import.js';
import { isSqliteStores } from './store/sqlite-stores.js';
import { sqliteTables } from './store/transfer/sqlite-tables.js';
import type { BoardTables } from './store/transfer/tables.js';

interface OpenedBoard {
  kind: 'sqlite' | 'postgres';
  tables: BoardTables;
  migration: MigrationResult;
  close(): Promise<void>;
}

export async function runMigrate(create: boolean, io: CliIo): Promise<number> {
  const board = await openBoard(io, { create, createSchema: true });
  await board.close();
  const { from, to } = board.migration;
  if (from === 0) io.stdout.write(`Created the schema (version ${to}).\n`);
  else if (from < to) io.stdout.write(`Upgraded the schema from version ${from} to ${to}.\n`);
  else io.stdout.write(`The schema is up to date (version ${to}).\n`);
  return 0;
}

export async function runExport(target: string, io: CliIo): Promise<number> {
  const file = path.resolve(io.cwd, target);
  if (existsSync(file)) {
    io.stderr.write(`bbs: ${file} already exists. Give a new file name; an export never overwrites.\n`);
    return 1;
  }
  const board = await openBoard(io, { create: false, createSchema: false });
  try {
    const counts = await exportBoard(board.tables, file, { source: board.kind });
    io.stdout.write(`Exported to ${file}: ${describeCounts(counts)}.\n`);
    return 0;
  } finally {
    await board.close();
  }
}

export async function runImport(source: string, options: { replace: boolean; create: boolean }, io: CliIo): Promise<number> {
  const file = path.resolve(io.cwd, source);
  if (!existsSync(file)) {
    io.stderr.write(`bbs: There is no file ${file}.\n`);
    return 1;
  }
  const board = await openBoard(io, { create: options.create, createSchema: true });
  try {
    const { header, counts } = await importBoard(board.tables, file, { replace: options.replace });
    const from = `a ${header.source === 'sqlite' ? 'SQLite' : 'PostgreSQL'} board exported ${new Date(header.exported_at).toISOString()}`;
    io.stdout.write(`Imported ${file} (${from})${options.replace ? ', replacing what the database held' : ''}: ${describeCounts(counts)}.\n`);
    return 0;
  } finally {
    await board.close();
  }
}

/**
 * The configured database, named on stderr, opened as the other commands open it. PostgreSQL gets
 * the schema when `createSchema` (migrate, import) and must have it otherwise (export); SQLite
 * follows the CLI's rule: only an existing file, unless --create.
 */
async function openBoard(io: CliIo, options: { create: boolean; createSchema: boolean }): Promise<OpenedBoard> {
  const config = loadConfig({ env: io.env, cwd: io.cwd });
  const choice = chooseDatabase(config, io.env, io.cwd);
  const from = choice.kind === 'sqlite' && existsSync(choice.file) ? inspectDatabase(choice.file).version : 0;
  // No password is set or checked here: the hasher is never asked for a hash.
  const create = choice.kind === 'postgres' ? options.createSchema : options.create;
  const stores = await openChosenStores(config, choice, { hasher: createPasswordHasher({ maxConcurrent: 1 }), create });
  io.stderr.write(`${describeChoice(choice)}\n`);
  const close = () => stores.close();
  if (isPostgresStores(stores)) return { kind: 'postgres', tables: postgresTables(stores.pool), migration: stores.migration, close };
  if (isSqliteStores(stores)) return { kind: 'sqlite', tables: sqliteTables(stores.database), migration: { from, to: SCHEMA_VERSION }, close };
  await close();
  throw new Error(`bbs export and import cannot read the tables of ${stores.describe()}`);
}

/** bbs help's lines for these commands. */
export const TRANSFER_USAGE: ReadonlyArray<readonly [string, string]> = [
  ['bbs migrate', "create or upgrade the database's schema (PostgreSQL: store.postgres)"],
  ['bbs export <file>', 'the whole board into a portable file (JSON lines; holds password hashes)'],
  ['bbs import <file> [--replace]', 'a board from such a file, into an empty database (or emptied first)'],
];

/** Runs migrate, export or import; undefined for any other command. `usage` reports a misuse. */
export function runTransferCommand(argv: readonly string[], create: boolean, io: CliIo, usage: (problem: string) => number): Promise<number> | number | undefined {
  const [name, ...rest] = argv;
  if (name === 'migrate') return rest.length > 0 ? usage('"bbs migrate" takes no arguments.') : runMigrate(create, io);
  if (name === 'export') return rest.length !== 1 || rest[0]!.startsWith('-') ? usage('Usage: bbs export <file>') : runExport(rest[0]!, io);
  if (name !== 'import') return undefined;
  const files = rest.filter((word) => word !== '--replace');
  if (files.length !== 1 || files[0]!.startsWith('-')) return usage('Usage: bbs import <file> [--replace]');
  return runImport(files[0]!, { replace: rest.includes('--replace'), create }, io);
}
