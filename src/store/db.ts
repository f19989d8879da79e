/**
 * The store: one SQLite file (`bbs.sqlite` in the data folder) holding users, their public keys, the
 * call log and the teleconference's recent history. This file opens it and brings its schema up to
 * date; `users.ts` and `history.ts` hold the queries. Nothing here knows about ssh, screens or chat.
 *
 * The board and the sysop's CLI open the same file at the same time, so: WAL (readers never block
 * the writer), a busy timeout instead of instant SQLITE_BUSY, and migrations that take the write
 * lock before they look at the schema version.
 */
import { closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { StoreError } from './errors.js';

export type Database = BetterSqlite3.Database;

export const DATABASE_FILE = 'bbs.sqlite';

/** Migration n (0-based) brings the schema from user_version n to n + 1. Append only; never edit. */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    handle        TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT    NOT NULL,
    role          TEXT    NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'sysop')),
    banned        INTEGER NOT NULL DEFAULT 0 CHECK (banned IN (0, 1)),
    created_at    INTEGER NOT NULL,
    last_login_at INTEGER
  );
  CREATE TABLE user_keys (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    algo        TEXT    NOT NULL,
    blob        BLOB    NOT NULL,
    fingerprint TEXT    NOT NULL,
    comment     TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    UNIQUE (algo, blob)
  );
  CREATE INDEX user_keys_by_user ON user_keys (user_id);
  CREATE TABLE calls (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    node       INTEGER NOT NULL,
    remote     TEXT    NOT NULL,
    started_at INTEGER NOT NULL,
    ended_at   INTEGER
  );
  CREATE INDEX calls_by_user ON calls (user_id);
  CREATE TABLE chat_history (
    id   INTEGER PRIMARY KEY,
    at   INTEGER NOT NULL,
    json TEXT    NOT NULL
  );
  `,
  // The community: pager and bans (reason, end, who) on the account; whom each caller ignores;
  // private lines and pages waiting for a recipient who was away; calls' heartbeats and kicks
  // asked for by the CLI (the CLI reaches running boards through the database); what sysops did.
  `
  ALTER TABLE users ADD COLUMN pager_off  INTEGER NOT NULL DEFAULT 0 CHECK (pager_off IN (0, 1));
  ALTER TABLE users ADD COLUMN ban_reason TEXT;
  ALTER TABLE users ADD COLUMN ban_until  INTEGER;
  ALTER TABLE users ADD COLUMN banned_by  TEXT;
  ALTER TABLE users ADD COLUMN time_zone  TEXT;
  CREATE TABLE ignores (
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    ignored_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, ignored_id)
  );
  CREATE TABLE waiting_messages (
    id      INTEGER PRIMARY KEY,
    to_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    from_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    at      INTEGER NOT NULL,
    json    TEXT    NOT NULL
  );
  CREATE INDEX waiting_by_recipient ON waiting_messages (to_id);
  ALTER TABLE calls ADD COLUMN seen_at INTEGER;
  CREATE TABLE kick_requests (
    id      INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    at      INTEGER NOT NULL,
    by      TEXT    NOT NULL,
    reason  TEXT    NOT NULL DEFAULT ''
  );
  CREATE TABLE sysop_log (
    id     INTEGER PRIMARY KEY,
    at     INTEGER NOT NULL,
    actor  TEXT    NOT NULL,
    action TEXT    NOT NULL,
    target TEXT    NOT NULL,
    detail TEXT    NOT NULL DEFAULT ''
  );
  `,
  // The colour a caller chose for their handle with /color (a palette name); NULL: its default.
  `ALTER TABLE users ADD COLUMN handle_color TEXT;`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Opens `<dataDir>/bbs.sqlite` (creating it when missing, unless `create` is false) and migrates
 * it. Throws StoreError ERR_DB_MISSING when it is missing and may not be made, ERR_DB_OPEN with a
 * sentence naming the file and the reason when it cannot, ERR_DB_TOO_NEW when the file was written
 * by a newer ssh-bbs.
 */
export function openDatabase(dataDir: string, { create = true }: { create?: boolean } = {}): Database {
  const file = databaseFile(dataDir);
  if (!create && isMissing(file)) {
    throw new StoreError('ERR_DB_MISSING', `There is no board database at ${file}.`);
  }
  let db: Database | undefined;
  try {
    prepareFile(dataDir, file);
    db = new BetterSqlite3(file);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    checkIntegrity(db, file);
    migrate(db);
    return db;
  } catch (err) {
    db?.close();
    if (err instanceof StoreError) throw err;
    throw new StoreError('ERR_DB_OPEN', `Cannot open the database ${file}: ${describeOpenFailure(err)}`, {
      cause: err,
    });
  }
}

/** Only "no such file" counts: other failures (a file where the folder should be) are openDatabase's to explain. */
function isMissing(file: string): boolean {
  try {
    statSync(file);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

export function databaseFile(dataDir: string): string {
  return path.join(dataDir, DATABASE_FILE);
}

/**
 * Refuse to serve from a damaged file: SQLite's quick_check (the B-tree structure, without the
 * slower index cross-checks of integrity_check) must say "ok".
 */
function checkIntegrity(db: Database, file: string): void {
  let problems: string[];
  try {
    problems = (db.pragma('quick_check(5)') as Array<{ quick_check: string }>).map((row) => row.quick_check);
  } catch (err) {
    // Damage bad enough that the check itself cannot read a page.
    if (!String((err as { code?: unknown }).code).startsWith('SQLITE_CORRUPT')) throw err;
    problems = [(err as Error).message];
  }
  if (problems.length === 1 && problems[0] === 'ok') return;
  throw new StoreError(
    'ERR_DB_CORRUPT',
    `The database ${file} is damaged (${problems.join('; ')}). Restore it from a backup, or move it away to start empty.`,
  );
}

/**
 * The file holds password hashes: make it 0600 before SQLite first touches it (SQLite gives its
 * -wal and -shm files the same mode). An existing file is left as it is.
 */
function prepareFile(dataDir: string, file: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  closeSync(openSync(file, 'a', 0o600));
}

function migrate(db: Database): void {
  // IMMEDIATE takes the write lock first, so a board and a CLI started together on a new file
  // cannot both decide to run migration 0.
  const run = db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > MIGRATIONS.length) {
      throw new StoreError(
        'ERR_DB_TOO_NEW',
        `The database ${db.name} has schema version ${current}, newer than this ssh-bbs knows ` +
          `(${MIGRATIONS.length}). Upgrade ssh-bbs.`,
      );
    }
    if (current === MIGRATIONS.length) return;
    for (let version = current; version < MIGRATIONS.length; version++) {
      db.exec(MIGRATIONS[version] as string);
    }
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  });
  run.immediate();
}

function describeOpenFailure(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
    case 'SQLITE_CANTOPEN':
    case 'SQLITE_READONLY':
      return 'permission denied (is the data folder writable by this user?)';
    case 'SQLITE_NOTADB':
      return 'the file is not an SQLite database';
    case 'SQLITE_CORRUPT':
      return 'the database file is corrupt';
    case 'ENOTDIR':
    case 'EEXIST':
      return 'the data folder path is not a folder';
    default:
      return err instanceof Error ? err.message : String(err);
  }
}
