/**
 * startWorkerBoard(): the real board as a sysop runs it with several worker processes (src/main.ts
 * in its own process, server.workers from the config) on 127.0.0.1 port 0, with its own temp
 * folders and accounts made beforehand. It tells which worker process serves each caller, from
 * the workers' own log lines, and fails the test on any error-level line.
 */
import { rmSync } from 'node:fs';
import { prepareBoardFolder } from './board-folder.js';
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
  const { dir, env } = await prepareBoardFolder({ prefix: 'bbs-workers-', ...options });
  const proc = runBoardProcess({ ...env, BBS_WORKERS: String(options.workers) });
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
