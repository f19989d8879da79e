/**
 * Looking at the database without changing it (bbs doctor), and copying it while the board runs
 * (bbs backup). SQLite's online backup copies the pages of a consistent snapshot: writes the board
 * makes meanwhile either make it into the copy whole or not at all, never half a transaction.
 */
import { closeSync, openSync, rmSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { SCHEMA_VERSION, type Database } from './db.js';

export interface DatabaseHealth {
  /** PRAGMA user_version. */
  version: number;
  /** 'ok', or what SQLite's quick_check found wrong (its first lines). */
  check: string;
}

/** Opens `file` read-only (never creating it) and checks it. Throws what better-sqlite3 throws. */
export function inspectDatabase(file: string): DatabaseHealth {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    const version = db.pragma('user_version', { simple: true }) as number;
    const rows = db.pragma('quick_check(5)') as Array<{ quick_check: string }>;
    return { version, check: rows.map((r) => r.quick_check).join('; ') };
  } finally {
    db.close();
  }
}

export function describeVersion(version: number): string | undefined {
  if (version > SCHEMA_VERSION) return `schema version ${version} is newer than this ssh-bbs knows (${SCHEMA_VERSION}): upgrade ssh-bbs`;
  if (version < SCHEMA_VERSION) return `schema version ${version}: the board brings it up to ${SCHEMA_VERSION} when it starts`;
  return undefined;
}

/**
 * Copies the open database to `target`, which must not exist yet. The file is made 0600 before
 * SQLite writes to it (it holds password hashes), and removed again if the copy fails.
 */
export async function backupDatabase(db: Database, target: string): Promise<{ pages: number; health: DatabaseHealth }> {
  closeSync(openSync(target, 'wx', 0o600));
  try {
    const { totalPages } = await db.backup(target);
    return { pages: totalPages, health: inspectDatabase(target) };
  } catch (err) {
    rmSync(target, { force: true });
    throw err;
  }
}
