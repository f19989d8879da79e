/**
 * A real redis-server for the tests, on a unix socket in a temp folder (no TCP port to pick, and
 * nothing reachable from outside), without persistence: a restart starts empty, as a cache server's
 * would. stop() and start() again keep the same socket path, so boards reconnect by themselves.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { hasCommand } from './commands.js';

export interface TestRedis {
  /** What room.redis / BBS_REDIS_URL takes. */
  url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stop for good and remove the folder. */
  close(): Promise<void>;
}

/** What to say when there is no redis-server to start. */
export const REDIS_MISSING = 'no redis-server on PATH (Debian: apt-get install redis-server; .ci/run installs it)';

export function hasRedisServer(): boolean {
  return hasCommand('redis-server');
}

export async function startRedis(): Promise<TestRedis> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bbs-redis-'));
  const socket = path.join(dir, 'redis.sock');
  let child: ChildProcess | undefined;
  // A test process that ends (or a hook that timed out) must not leave a redis-server behind.
  const killOnExit = () => child?.kill('SIGKILL');
  process.once('exit', killOnExit);

  async function start(): Promise<void> {
    const args = ['--port', '0', '--unixsocket', socket, '--unixsocketperm', '700', '--save', '', '--appendonly', 'no', '--dir', dir];
    const proc = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let output = '';
    const ready = new Promise<void>((resolve, reject) => {
      createInterface({ input: proc.stdout! }).on('line', (line) => {
        output += `${line}\n`;
        // Redis 7.0 says "ready to accept connections at <socket>"; 7.2 and later "Ready to accept connections unix".
        if (/ready to accept connections/i.test(line)) resolve();
      });
      proc.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'ENOENT' ? new Error(REDIS_MISSING) : err));
      proc.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${output}`)));
    });
    await ready.catch((err: unknown) => {
      proc.kill('SIGKILL');
      throw err;
    });
  }

  async function stop(): Promise<void> {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = once(proc, 'exit');
    proc.kill('SIGTERM');
    await exited;
  }

  await start();
  return {
    url: socket,
    start,
    stop,
    async close() {
      process.off('exit', killOnExit);
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
