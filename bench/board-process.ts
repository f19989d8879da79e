/**
 * The real board in its own process, as a sysop runs it (`npm start`: dist/main.js, compiled
 * first when src/ changed), pointed at a bench workspace on 127.0.0.1 port 0. The port comes from
 * its "listening" log line; memory
 * and CPU time come from /proc, summed over the board's process and any it starts (workers); the
 * JS heap from each Node process's diagnostics (diagnostics.ts); log lines and garbage collection
 * pauses from its output (board-log.ts).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { readLog, summarizePauses, unexpectedStderr, waitForPort, type GcPauses } from './board-log.js';
import { diagnosticFlags, readHeap, writeSnapshots, type Heap } from './diagnostics.js';
import { treeCpuMs, treeMemory, type TreeMemory } from './process-tree.js';
import type { Workspace } from './workspace.js';

export type { GcPauses } from './board-log.js';
export type { Heap } from './diagnostics.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const STOP_TIMEOUT_MS = 12_000;

export type Memory = TreeMemory;

export interface BoardProcess {
  readonly pid: number;
  readonly port: number;
  /** From spawn to the "listening" line. */
  readonly startMs: number;
  /** RSS of the board's process and every process it started. */
  memory(): Memory;
  /** User + system CPU time the board's processes have used, in milliseconds. */
  cpuMs(): number;
  /** Writes a heap snapshot of every Node process (after a full collection); resolves with their paths. */
  snapshots(): Promise<string[]>;
  /** The JS heap of every Node process, summed; with `collect`, after a full garbage collection (costs the board ~0.5-2 s). */
  heap(options?: { collect?: boolean }): Promise<Heap>;
  /** Garbage collection pauses since `since` (a performance.now() reading). */
  gcSince(since: number): GcPauses;
  /** How many log lines so far have this exact msg. */
  logCount(msg: string): number;
  /** Log lines at error level or worse, and anything on stderr: things that should not happen. */
  problems(): string[];
  /** SIGTERM (the board says goodbye and exits), then SIGKILL if it takes too long. Idempotent. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Run with --cpu-prof, writing the profile into this folder when the board exits. */
  profileDir?: string;
}

let built = false;

/**
 * Compiles src/ into dist/ when it changed, as `npm start` does. The board is measured as it ships:
 * run from the TypeScript sources through tsx, every closure made also calls tsx's function-naming
 * helper, a cost on the draw path (a few % of the fan-out's CPU profile) no sysop pays.
 */
function buildOnce(): void {
  if (built) return;
  const result = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.js')], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error('bench: could not compile the board (scripts/build.js failed)');
  built = true;
}

export async function startBoardProcess(workspace: Workspace, options: StartOptions = {}): Promise<BoardProcess> {
  const started = performance.now();
  const diagnosticDir = path.join(workspace.root, 'diagnostics');
  mkdirSync(diagnosticDir);
  buildOnce();
  const child = spawn(process.execPath, [...nodeFlags(diagnosticDir, options.profileDir), path.join(ROOT, 'dist/main.js')], {
    cwd: ROOT,
    env: boardEnv(workspace),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.on('error', (err) => process.stderr.write(`bench: could not run the board: ${err.message}\n`));
  const log = readLog(child);
  const exited = new Promise<unknown[]>((resolve) => child.once('exit', (...args) => resolve(args)));
  const { stop, asked } = stopper(child, exited);
  void exited.then(([code, signal]) => {
    if (!asked()) process.stderr.write(`bench: the board exited by itself (code ${String(code)}, signal ${String(signal)})\n${log.stderr}`);
  });
  try {
    const port = await waitForPort(log, exited);
    return {
      pid: child.pid as number,
      port,
      startMs: performance.now() - started,
      memory: () => treeMemory(child.pid as number),
      cpuMs: () => treeCpuMs(child.pid as number),
      snapshots: () => writeSnapshots(child.pid as number, diagnosticDir),
      heap: (heapOptions) => readHeap(child.pid as number, diagnosticDir, heapOptions?.collect ?? false),
      gcSince: (since) => summarizePauses(log.pauses.filter((p) => p.at >= since)),
      logCount: (msg) => log.counts.get(msg) ?? 0,
      problems: () => [...log.problems, ...unexpectedStderr(log.stderr)],
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Diagnostics on signals, GC tracing, and the profiler when asked for; all files go into the workspace or `profileDir`. */
function nodeFlags(diagnosticDir: string, profileDir: string | undefined): string[] {
  return [...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []), '--trace-gc', ...diagnosticFlags(diagnosticDir)];
}

function boardEnv(workspace: Workspace): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? workspace.root,
    BBS_CONFIG: workspace.configFile,
    BBS_HOST: '127.0.0.1',
    BBS_PORT: '0',
    BBS_DATA_DIR: workspace.dataDir,
    BBS_KEYS_DIR: workspace.keysDir,
    // The board's default is one worker per core; BBS_WORKERS=1 npm run bench measures one process.
    ...(process.env.BBS_WORKERS ? { BBS_WORKERS: process.env.BBS_WORKERS } : {}),
  };
}

interface Stopper {
  stop(): Promise<void>;
  /** Whether stop() was called: an exit before that is the board's own doing. */
  asked(): boolean;
}

function stopper(child: ChildProcess, exited: Promise<unknown[]>): Stopper {
  let stopping: Promise<void> | undefined;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };
  return { stop: () => (stopping ??= stop()), asked: () => stopping !== undefined };
}
