/**
 * The run's PostgreSQL server is started lazily, by the first test file that asks for a database
 * (test/helpers/postgres.ts), so that runs without such a file need no PostgreSQL. This global
 * setup only hands every test process the folder where that server will live, and stops the server
 * at the end of the run if one was started: the postmaster is a daemon that outlives the test
 * process which started it.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { stopPostgresServer, type PostgresServer } from './postgres-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresDir: string;
  }
}

export const SERVER_FILE = 'server.json';

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bbs-test-postgres-'));
  project.provide('postgresDir', dir);
  const stop = () => {
    const file = path.join(dir, SERVER_FILE);
    if (existsSync(file)) stopPostgresServer(JSON.parse(readFileSync(file, 'utf8')) as PostgresServer);
    rmSync(dir, { recursive: true, force: true });
  };
  // An interrupted run (Ctrl-C) still exits through here; the teardown below is the normal way.
  process.once('exit', stop);
  return () => {
    process.off('exit', stop);
    stop();
  };
}
