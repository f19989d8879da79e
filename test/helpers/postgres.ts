/**
 * A fresh PostgreSQL database for a test file, on the run's one server: BBS_TEST_DATABASE_URL's
 * when it is set (its user must be allowed to create databases), else a server this run starts on
 * loopback (test/helpers/postgres-server.ts). The first test process that needs it starts it;
 * the others wait for the address it leaves in the run's folder. Without PostgreSQL installed the
 * tests that need it fail with a message saying how to get it, as the Redis tests do without
 * redis-server: they are never skipped.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import { startPostgresServer, type PostgresServer } from './postgres-server.js';
import { SERVER_FILE } from './postgres-setup.js';

export interface TestDatabase {
  /** postgres://… of the new database: what store.postgres / BBS_DATABASE_URL take. */
  url: string;
  name: string;
  drop(): Promise<void>;
}

const ERROR_FILE = 'server-error.txt';
const SERVER_WAIT_MS = 60_000;

let serverUrl: Promise<string> | undefined;

/** The address of the run's server, started here if no other test process has yet. */
export function testServerUrl(): Promise<string> {
  return (serverUrl ??= findOrStartServer());
}

async function findOrStartServer(): Promise<string> {
  const fromEnv = process.env.BBS_TEST_DATABASE_URL;
  if (fromEnv) return fromEnv;
  const dir = inject('postgresDir');
  try {
    mkdirSync(path.join(dir, 'claim'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return waitForServer(dir);
  }
  try {
    const server = startPostgresServer(dir);
    writeFileSync(path.join(dir, `${SERVER_FILE}.tmp`), JSON.stringify(server));
    renameSync(path.join(dir, `${SERVER_FILE}.tmp`), path.join(dir, SERVER_FILE));
    return server.url;
  } catch (err) {
    writeFileSync(path.join(dir, ERROR_FILE), (err as Error).message);
    throw err;
  }
}

/** Another test process is starting the server: wait for the address (or the failure) it leaves. */
async function waitForServer(dir: string): Promise<string> {
  const deadline = Date.now() + SERVER_WAIT_MS;
  while (Date.now() < deadline) {
    if (existsSync(path.join(dir, SERVER_FILE))) {
      return (JSON.parse(readFileSync(path.join(dir, SERVER_FILE), 'utf8')) as PostgresServer).url;
    }
    if (existsSync(path.join(dir, ERROR_FILE))) throw new Error(readFileSync(path.join(dir, ERROR_FILE), 'utf8'));
    await delay(50);
  }
  throw new Error(`The test PostgreSQL server was not ready within ${SERVER_WAIT_MS / 1000} s`);
}

/** A new, empty database on the run's server. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const admin = await testServerUrl();
  const name = `bbs_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withClient(admin, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    // FORCE: a board a failed test left running must not keep the database alive.
    drop: () => withClient(admin, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/** One database for the test file: made before its tests, dropped after them. */
export function usePostgresDatabase(): { readonly url: string } {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });
  return {
    get url() {
      if (!database) throw new Error('The test database is made in beforeAll: use it inside a test or hook');
      return database.url;
    },
  };
}

export async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}
