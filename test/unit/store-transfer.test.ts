/**
 * Export and import between SQLite and a real PostgreSQL: a board with a row in every table (and
 * ids with gaps, as deleted accounts leave them) goes SQLite → file → PostgreSQL → file → SQLite
 * and comes back the same, every table, in order; bad files and non-empty targets are refused
 * whole.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/store/db.js';
import { createPool } from '../../src/store/postgres/pool.js';
import { migrate } from '../../src/store/postgres/schema.js';
import { postgresTables } from '../../src/store/postgres/tables.js';
import { exportBoard } from '../../src/store/transfer/export.js';
import { importBoard } from '../../src/store/transfer/import.js';
import { sqliteTables } from '../../src/store/transfer/sqlite-tables.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import { fillBoard, normalizedExport } from '../helpers/board-rows.js';

let dir: string;
let postgres: TestDatabase;
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'bbs-transfer-'));
  postgres = await createTestDatabase();
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await postgres.drop();
});

function sqlite(name: string): Database {
  return openDatabase(path.join(dir, name));
}

async function withPostgres<T>(use: (tables: ReturnType<typeof postgresTables>) => Promise<T>): Promise<T> {
  const pool = createPool({ url: postgres.url, size: 2, connectTimeoutMs: 5000, statementTimeoutMs: 10_000 });
  try {
    await migrate(pool);
    return await use(postgresTables(pool));
  } finally {
    await pool.end();
  }
}

describe('bbs export and import', () => {
  it('carry a whole board SQLite → PostgreSQL → SQLite with nothing lost', async () => {
    const source = sqlite('source');
    fillBoard(source);
    const first = path.join(dir, 'first.jsonl');
    const exported = await exportBoard(sqliteTables(source), first, { source: 'sqlite' });
    source.close();
    expect(exported).toEqual({ users: 3, user_keys: 2, ignores: 2, calls: 3, waiting_messages: 2, kick_requests: 1, sysop_log: 2, chat_history: 3 });
    expect(statSync(first).mode & 0o777).toBe(0o600);

    const second = path.join(dir, 'second.jsonl');
    await withPostgres(async (tables) => {
      expect((await importBoard(tables, first)).counts).toEqual(exported);
      await exportBoard(tables, second, { source: 'postgres' });
    });
    const back = sqlite('back');
    expect((await importBoard(sqliteTables(back), second)).counts).toEqual(exported);
    const third = path.join(dir, 'third.jsonl');
    await exportBoard(sqliteTables(back), third, { source: 'sqlite' });
    back.close();

    // What the account keeps across calls travels too: the zone and the handle colour (/color).
    expect(normalizedExport(first).tables.users).toContainEqual(expect.objectContaining({ handle: 'Alice', time_zone: 'Europe/Berlin', handle_color: 'magenta' }));
    expect(normalizedExport(second)).toEqual(normalizedExport(first));
    expect(normalizedExport(third)).toEqual(normalizedExport(first));
  });

  it('refuse a database that is not empty unless told to replace it, and then replace it whole', async () => {
    const file = path.join(dir, 'first.jsonl');
    await withPostgres(async (tables) => {
      await expect(importBoard(tables, file)).rejects.toThrow(/not empty \(users: 3 rows\).*--replace/);
      const { counts } = await importBoard(tables, file, { replace: true });
      expect(counts.users).toBe(3);
      const again = path.join(dir, 'replaced.jsonl');
      await exportBoard(tables, again, { source: 'postgres' });
      expect(normalizedExport(again)).toEqual(normalizedExport(file));
    });
  });

  it('refuse a cut-short or damaged file with the line at fault, and import nothing', async () => {
    const lines = readFileSync(path.join(dir, 'first.jsonl'), 'utf8').trimEnd().split('\n');
    const cut = path.join(dir, 'cut.jsonl');
    writeFileSync(cut, `${lines.slice(0, -1).join('\n')}\n`);
    const damaged = path.join(dir, 'damaged.jsonl');
    writeFileSync(damaged, `${lines.slice(0, 3).join('\n')}\n{"t":"users","r":{"id":"x"}}\n`);
    const twice = path.join(dir, 'twice.jsonl');
    const header = JSON.parse(lines[0]!) as { counts: Record<string, number> };
    const alice = JSON.parse(lines[1]!) as { r: Record<string, unknown> };
    writeFileSync(twice, `${JSON.stringify({ ...header, counts: { ...header.counts, users: 2 } })}\n${lines[1]}\n${JSON.stringify({ t: 'users', r: { ...alice.r, id: 9, handle: 'ALICE' } })}\n`);
    const badHandle = path.join(dir, 'bad-handle.jsonl');
    writeFileSync(badHandle, `${lines[0]}\n${JSON.stringify({ t: 'users', r: { ...alice.r, handle: 'x\u001b[2J' } })}\n`);
    const db = sqlite('refusals');
    await expect(importBoard(sqliteTables(db), cut)).rejects.toThrow(/chat_history: 2 of 3\): it may be cut short/);
    await expect(importBoard(sqliteTables(db), damaged)).rejects.toThrow(/^Line 4 of the file: users: id: /);
    await expect(importBoard(sqliteTables(db), path.join(dir, 'nothing-here.jsonl'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(importBoard(sqliteTables(db), twice)).rejects.toThrow(/^Line 3 of the file: users: UNIQUE constraint failed/);
    await expect(importBoard(sqliteTables(db), badHandle)).rejects.toThrow(/^Line 2 of the file: users: handle: not a handle the board accepts/);
    await withPostgres(async (tables) => {
      await expect(importBoard(tables, twice, { replace: true })).rejects.toThrow(/^Line 3 of the file: users: duplicate key value violates unique constraint "users_handle_key"/);
    });
    expect(db.prepare('SELECT count(*) FROM users').pluck().get()).toBe(0);
    db.close();
  });

  it('never writes over an existing file', async () => {
    const db = sqlite('source');
    await expect(exportBoard(sqliteTables(db), path.join(dir, 'first.jsonl'), { source: 'sqlite' })).rejects.toMatchObject({ code: 'EEXIST' });
    db.close();
    expect(readFileSync(path.join(dir, 'first.jsonl'), 'utf8')).toMatch(/^\{"format":"ssh-bbs-export"/);
  });
});
