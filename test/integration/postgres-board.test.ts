/**
 * The real board on a real PostgreSQL (store.postgres), with real ssh2 callers: a newcomer
 * registers with a key, logs in again by key and by password, talks with an account the CLI made
 * there; what was said is replayed after a restart of the board; a ban made with the CLI (its own
 * process, BBS_DATABASE_URL) ends the banned caller's call and refuses the next one. The
 * database's password never reaches a log line.
 */
import { afterEach, expect, it } from 'vitest';
import { runBbs, type CliRun } from '../helpers/cli-process.js';
import { connectCaller, type Caller, type CallerOptions } from '../helpers/caller.js';
import { startBoard, type TestBoard } from '../helpers/board.js';
import { usePostgresDatabase } from '../helpers/postgres.js';
import { generateKeyPair } from '../../src/keys/generate.js';

const PASSWORD = 'correct horse battery';
const SECRET = 'pg-board-secret';
const WAIT_MS = 20_000;

const database = usePostgresDatabase();
const boards: TestBoard[] = [];
const callers: Caller[] = [];

afterEach(async () => {
  for (const caller of callers.splice(0)) caller.client.destroy();
  for (const board of boards.splice(0)) {
    await board.close();
    expect(board.logs().filter((line) => (line.level as number) >= 50)).toEqual([]);
    expect(board.rawLogs()).not.toContain(SECRET);
  }
});

/** The test server trusts loopback: any password gets in, enough to see that none is logged. */
function databaseUrl(): string {
  const url = new URL(database.url);
  url.password = SECRET;
  return url.toString();
}

async function start(): Promise<TestBoard> {
  const board = await startBoard({ store: { postgres: databaseUrl() } });
  boards.push(board);
  return board;
}

async function call(board: TestBoard, options: CallerOptions): Promise<Caller> {
  const caller = await connectCaller(board.port, options);
  caller.client.on('error', () => undefined);
  callers.push(caller);
  return caller;
}

async function hangUp(caller: Caller): Promise<void> {
  caller.end();
  await caller.closed;
}

function bbs(argv: string[], input = ''): Promise<CliRun> {
  return runBbs(argv, { env: { BBS_DATABASE_URL: databaseUrl() }, input });
}

it('registers, logs in by key and by password, keeps the room across a restart, and a CLI ban bites', async () => {
  let board = await start();
  expect(board.logs().find((line) => line.msg === 'database open')?.database).toMatch(/^PostgreSQL postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/bbs_test_\w+$/);
  const key = generateKeyPair('ed25519');
  const newcomer = await call(board, { username: 'new', privateKey: key.private, authHandler: ['publickey'] });
  await newcomer.waitFor('Handle', WAIT_MS);
  await newcomer.waitFor('SHA256:', WAIT_MS);
  newcomer.type(`frank\r${PASSWORD}\r${PASSWORD}\ry\r`);
  await newcomer.waitFor('*** frank has joined the chat ***', WAIT_MS);
  await hangUp(newcomer);

  expect(await bbs(['user', 'add', 'alice'], `${PASSWORD}\n`)).toMatchObject({ code: 0, stdout: 'Created alice (user).\n' });
  const alice = await call(board, { username: 'alice', password: PASSWORD });
  await alice.waitFor('*** alice has joined the chat ***', WAIT_MS);

  const byKey = await call(board, { username: 'frank', privateKey: key.private, authHandler: ['publickey'] });
  await byKey.waitFor('*** frank has joined the chat ***', WAIT_MS);
  byKey.type('kept on postgres\r');
  await alice.waitFor('frank: kept on postgres', WAIT_MS);
  await hangUp(byKey);

  const byPassword = await call(board, { username: 'frank', password: PASSWORD, authHandler: ['password'] });
  await byPassword.waitFor('*** frank has joined the chat ***', WAIT_MS);
  byPassword.type('/me waves\r');
  await alice.waitFor('* frank waves', WAIT_MS);

  await board.close();
  await Promise.all([alice.closed, byPassword.closed]);

  board = await start();
  const again = await call(board, { username: 'frank', password: PASSWORD });
  await again.waitFor('--- end of earlier messages ---', WAIT_MS);
  expect(again.screen()).toMatch(/frank: kept on postgres[\s\S]*\* frank waves[\s\S]*--- end of earlier messages ---/);

  const ban = await bbs(['user', 'ban', 'frank', '--reason', 'tested on postgres']);
  expect(ban.code).toBe(0);
  expect(ban.stderr).toMatch(/^bbs: database PostgreSQL postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/bbs_test_\w+ \(BBS_DATABASE_URL\)$/m);
  await again.waitFor('Reason: tested on postgres', WAIT_MS);
  await again.closed;
  const refused = await call(board, { username: 'frank', password: PASSWORD });
  await refused.waitFor('The account frank is banned', WAIT_MS);
});
