/**
 * The board on a PostgreSQL server that goes away and comes back (its own server, stopped and
 * started again as a sysop's restart would): nothing crashes; a caller on the board stays and
 * their lines still reach the room; a login meanwhile is refused the way SSH refuses, and logged;
 * once the server is back, the pool opens new connections by itself and the next login works.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startBoard, type TestBoard } from '../helpers/board.js';
import { connectCaller, connectClient, type Caller } from '../helpers/caller.js';
import { pausePostgresServer, resumePostgresServer, startPostgresServer, stopPostgresServer, type PostgresServer } from '../helpers/postgres-server.js';

const PASSWORD = 'correct horse battery';
const WAIT_MS = 20_000;

let dir: string;
let server: PostgresServer;
let board: TestBoard | undefined;
const callers: Caller[] = [];

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'bbs-pg-outage-'));
  server = startPostgresServer(dir);
});

afterAll(async () => {
  for (const caller of callers.splice(0)) caller.client.destroy();
  await board?.close();
  stopPostgresServer(server);
  rmSync(dir, { recursive: true, force: true });
});

async function enter(handle: string): Promise<Caller> {
  const caller = await connectCaller(board!.port, { username: handle, password: PASSWORD });
  callers.push(caller);
  await caller.waitFor(`*** ${handle} has joined the chat ***`, WAIT_MS);
  return caller;
}

it('goes on through an outage of its PostgreSQL server and serves again when it is back', async () => {
  board = await startBoard({ store: { postgres: server.url, connect_timeout_seconds: 2 } });
  await board.board.users.create({ handle: 'alice', password: PASSWORD });
  await board.board.users.create({ handle: 'bob', password: PASSWORD });
  const alice = await enter('alice');

  pausePostgresServer(server);
  alice.type('said while the database was away\r');
  await alice.waitFor('alice: said while the database was away', WAIT_MS);
  await expect(connectClient(board.port, { username: 'bob', password: PASSWORD, authHandler: ['password'] })).rejects.toThrow(/authentication methods failed/);
  const errors = () => board!.logs().filter((line) => line.level === 50).map((line) => line.msg);
  expect(errors()).toContain('authentication failed unexpectedly');
  expect(errors()).toContain('could not save chat history');

  resumePostgresServer(server);
  const bob = await enter('bob');
  await alice.waitFor('*** bob has joined the chat ***', WAIT_MS);
  bob.type('back on the database\r');
  await alice.waitFor('bob: back on the database', WAIT_MS);
});
