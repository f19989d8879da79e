/**
 * bbs migrate, export and import through the real command (bin/bbs.js in its own process), on a
 * SQLite data folder and a real PostgreSQL: a board goes SQLite → file → PostgreSQL → file →
 * SQLite and every table comes back the same; the database is named on stderr, its password never.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/db.js';
import { fillBoard, normalizedExport } from '../helpers/board-rows.js';
import { runBbs, type CliRun } from '../helpers/cli-process.js';
import { createTestDatabase, usePostgresDatabase } from '../helpers/postgres.js';

const SECRET = 'pg-secret-word';

const database = usePostgresDatabase();
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'bbs-cli-transfer-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function bbs(argv: string[], env: Record<string, string>): Promise<CliRun> {
  return runBbs(argv, { cwd: dir, env: { BBS_KEYS_DIR: path.join(dir, 'keys'), ...env } });
}

/** The test server trusts loopback, so any password gets in: enough to see that none is shown. */
function postgresEnv(): Record<string, string> {
  const url = new URL(database.url);
  url.password = SECRET;
  return { BBS_DATABASE_URL: url.toString() };
}

const sqliteEnv = (name: string) => ({ BBS_DATA_DIR: path.join(dir, name) });
const file = (name: string) => path.join(dir, name);
const COUNTS = 'users 3, user_keys 2, ignores 2, calls 3, waiting_messages 2, kick_requests 1, sysop_log 2, chat_history 3';

describe('bbs migrate, export and import', () => {
  it('move a board from SQLite to PostgreSQL and back with every table the same', async () => {
    const source = openDatabase(path.join(dir, 'source'));
    fillBoard(source);
    source.close();

    expect(await bbs(['export', 'first.jsonl'], sqliteEnv('source'))).toMatchObject({ code: 0, stdout: `Exported to ${file('first.jsonl')}: ${COUNTS}.\n` });

    const migrated = await bbs(['migrate'], postgresEnv());
    expect(migrated).toMatchObject({ code: 0, stdout: 'Created the schema (version 2).\n' });
    expect(migrated.stderr).toMatch(/^bbs: database PostgreSQL postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/bbs_test_\w+ \(BBS_DATABASE_URL\)\n$/);
    expect(migrated.stderr).not.toContain(SECRET);
    expect(await bbs(['migrate'], postgresEnv())).toMatchObject({ code: 0, stdout: 'The schema is up to date (version 2).\n' });
    const doctor = await bbs(['doctor'], { ...postgresEnv(), BBS_HOST: '127.0.0.1', BBS_PORT: '0' });
    expect(doctor.stdout).toMatch(/^ok {4}database {2}PostgreSQL \d+\.\d+\S* at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/bbs_test_\w+, schema version 2$/m);
    expect(doctor.stdout).not.toContain(SECRET);

    const imported = await bbs(['import', 'first.jsonl'], postgresEnv());
    expect(imported).toMatchObject({ code: 0 });
    expect(imported.stdout).toMatch(new RegExp(`^Imported ${file('first.jsonl')} \\(a SQLite board exported \\d{4}-[^)]+\\): ${COUNTS}\\.\\n$`));
    const again = await bbs(['import', 'first.jsonl'], postgresEnv());
    expect(again).toMatchObject({ code: 1, stdout: '' });
    expect(again.stderr).toContain('bbs: The target database is not empty (users: 3 rows). Import into an empty one, or add --replace to empty it first.');
    expect(await bbs(['import', 'first.jsonl', '--replace'], postgresEnv())).toMatchObject({ code: 0 });

    expect(await bbs(['export', 'second.jsonl'], postgresEnv())).toMatchObject({ code: 0, stdout: `Exported to ${file('second.jsonl')}: ${COUNTS}.\n` });
    const refused = await bbs(['import', 'second.jsonl'], sqliteEnv('back'));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/There is no board database at .*add --create/);
    expect(await bbs(['import', 'second.jsonl', '--create'], sqliteEnv('back'))).toMatchObject({ code: 0 });
    expect(await bbs(['export', 'third.jsonl'], sqliteEnv('back'))).toMatchObject({ code: 0 });

    const original = normalizedExport(file('first.jsonl'));
    expect(normalizedExport(file('second.jsonl'))).toEqual(original);
    expect(normalizedExport(file('third.jsonl'))).toEqual(original);
    expect(await bbs(['migrate'], sqliteEnv('back'))).toMatchObject({ code: 0, stdout: 'The schema is up to date (version 3).\n' });
  });

  it('say what is wrong with a file, an unreachable server or a misuse, and exit non-zero', async () => {
    const missing = await bbs(['import', 'nowhere.jsonl'], sqliteEnv('source'));
    expect(missing).toMatchObject({ code: 1, stderr: `bbs: There is no file ${file('nowhere.jsonl')}.\n` });
    const down = await bbs(['export', 'down.jsonl'], { BBS_DATABASE_URL: `postgres://bbs:${SECRET}@127.0.0.1:1/bbs` });
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/bbs: Cannot open the database PostgreSQL postgres:\/\/bbs:\*\*\*@127\.0\.0\.1:1\/bbs: .*ECONNREFUSED/);
    expect(down.stderr).not.toContain(SECRET);
    const doctor = await bbs(['doctor'], { BBS_DATABASE_URL: `postgres://bbs:${SECRET}@127.0.0.1:1/bbs` });
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toMatch(/^FAIL {2}database {2}cannot reach PostgreSQL postgres:\/\/bbs:\*\*\*@127\.0\.0\.1:1\/bbs \(ECONNREFUSED\)$/m);
    const empty = await createTestDatabase();
    try {
      const fresh = { BBS_DATABASE_URL: empty.url, BBS_HOST: '127.0.0.1', BBS_PORT: '0' };
      expect((await bbs(['doctor'], fresh)).stdout).toMatch(/^warn {2}database {2}PostgreSQL .*: no schema yet \(bbs migrate makes it; so does the board's first start\)$/m);
      const exported = await bbs(['export', 'empty.jsonl'], fresh);
      expect(exported.code).toBe(1);
      expect(exported.stderr).toMatch(/has no ssh-bbs schema yet: run bbs migrate\.\n$/);
    } finally {
      await empty.drop();
    }
    const backup = await bbs(['backup', 'copy.sqlite'], postgresEnv());
    expect(backup).toMatchObject({ code: 1, stderr: expect.stringContaining('(pg_dump), or use bbs export for a portable copy') });
    expect(await bbs(['export'], sqliteEnv('source'))).toMatchObject({ code: 2 });
    expect(await bbs(['import', 'a', 'b'], sqliteEnv('source'))).toMatchObject({ code: 2 });
  });
});
