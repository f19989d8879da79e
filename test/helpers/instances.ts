/**
 * startInstances(): several instances of the board on one Redis, each the real entry point in its
 * own process (src/main.ts, as a sysop runs it) on its own 127.0.0.1 port, with the same host keys
 * and the same accounts (one data folder: on one machine SQLite is shared, as workers share it; or
 * one PostgreSQL database, as instances on several machines share it).
 * Any error-level line from any instance fails the test at close().
 */
import { rmSync } from 'node:fs';
import { prepareBoardFolder } from './board-folder.js';
import { runBoardProcess, type BoardProcess } from './process.js';

export interface Instance {
  port: number;
  process: BoardProcess;
  /** The room's Redis id of this instance, from its own log. */
  id: string;
}

export interface Instances {
  list: Instance[];
  /** The environment every instance starts with (a test may start one differently). */
  env: Record<string, string>;
  /** Start one more instance on the same Redis, folders and config. */
  add(env?: Record<string, string>): Promise<Instance>;
  close(): Promise<void>;
}

export interface InstancesOptions {
  count: number;
  redisUrl: string;
  /** config.yaml text shared by every instance. */
  config?: string;
  users: string[];
  /** Accounts made with the sysop role. */
  sysops?: string[];
  password: string;
  /** Every instance keeps its accounts in this PostgreSQL database rather than the shared SQLite file. */
  databaseUrl?: string;
}

export async function startInstances(options: InstancesOptions): Promise<Instances> {
  const { dir, env: folderEnv } = await prepareBoardFolder({ prefix: 'bbs-instances-', ...options });
  const list: Instance[] = [];
  const baseEnv = { ...folderEnv, BBS_WORKERS: '1', BBS_REDIS_URL: options.redisUrl };
  async function add(env: Record<string, string> = {}): Promise<Instance> {
    const proc = runBoardProcess({ ...baseEnv, ...env });
    const shared = await proc.waitForLog((l) => l.msg === 'room shared through Redis');
    const listening = await proc.waitForLog((l) => typeof l.port === 'number' && String(l.msg).startsWith('listening'));
    const instance = { port: listening.port as number, process: proc, id: shared.instance as string };
    list.push(instance);
    return instance;
  }
  for (let i = 0; i < options.count; i++) await add();

  return {
    list,
    env: baseEnv,
    add,
    async close() {
      const errors: unknown[] = [];
      for (const { process: proc } of list) {
        if (proc.child.exitCode === null && proc.child.signalCode === null) {
          // A test that stopped an instance (SIGSTOP) and failed before waking it.
          proc.child.kill('SIGCONT');
          proc.child.kill('SIGTERM');
          await proc.exited;
        }
        errors.push(...proc.lines.filter((l) => typeof l.level === 'number' && l.level >= 50));
      }
      rmSync(dir, { recursive: true, force: true });
      if (errors.length > 0) throw new Error(`an instance logged errors: ${JSON.stringify(errors)}`);
    },
  };
}
