/**
 * startWorkerBoard(): the real board as a sysop runs it with several worker processes (src/main.ts
 * in its own process, server.workers from the config) on 127.0.0.1 port 0, with its own temp
 * folders and accounts made beforehand. It tells which worker process serves each caller, from
 * the workers' own log lines, and fails the test on any error-level line.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { openDatabase } from '../../src/store/db.js';
import { createPasswordHasher } from '../../src/store/passwords.js';
import { UserStore } from '../../src/store/users.js';
import { runBoardProcess, type BoardProcess } from './process.js';

export interface WorkerBoard {
  port: number;
  process: BoardProcess;
  /** The pid of the worker that put this handle on a node most recently, if any. */
  workerOf(handle: string): number | undefined;
  /** Pids of the workers started so far, oldest first. */
  workers(): number[];
  close(): Promise<void>;
}

export interface WorkerBoardOptions {
  workers: number;
  /** config.yaml text (server.workers is set from `workers`). */
  config?: string;
  users: string[];
  /** Accounts made with the sysop role. */
  sysops?: string[];
  password: string;
}

export async function startWorkerBoard(options: WorkerBoardOptions): Promise<WorkerBoard> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bbs-workers-'));
  const keysDir = path.join(dir, 'keys');
  const dataDir = path.join(dir, 'data');
  cpSync(inject('hostKeysDir'), keysDir, { recursive: true });
  writeFileSync(path.join(dir, 'config.yaml'), options.config ?? '');
  const db = openDatabase(dataDir);
  const users = new UserStore(db, createPasswordHasher({ maxConcurrent: 2 }));
  for (const handle of options.users) await users.create({ handle, password: options.password });
  for (const handle of options.sysops ?? []) await users.create({ handle, password: options.password, role: 'sysop' });
  db.close();

  const proc = runBoardProcess({
    BBS_CONFIG: path.join(dir, 'config.yaml'),
    BBS_HOST: '127.0.0.1',
    BBS_PORT: '0',
    BBS_WORKERS: String(options.workers),
    BBS_DATA_DIR: dataDir,
    BBS_KEYS_DIR: keysDir,
  });
  const listening = await proc.waitForLog((l) => typeof l.port === 'number' && String(l.msg).startsWith('listening'));
  const errors = () => proc.lines.filter((l) => typeof l.level === 'number' && l.level >= 50);
  return {
    port: listening.port as number,
    process: proc,
    workerOf(handle) {
      const onNode = proc.lines.filter((l) => l.msg === 'on node' && l.handle === handle).at(-1);
      return onNode?.pid as number | undefined;
    },
    workers: () => proc.lines.filter((l) => l.msg === 'worker started').map((l) => l.worker as number),
    async close() {
      if (proc.child.exitCode === null && proc.child.signalCode === null) {
        proc.child.kill('SIGTERM');
        await proc.exited;
      }
      rmSync(dir, { recursive: true, force: true });
      if (errors().length > 0) throw new Error(`the board logged errors: ${JSON.stringify(errors())}`);
    },
  };
}
