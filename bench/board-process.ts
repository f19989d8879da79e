/**
 * The real board in its own process, as a sysop runs it (`node --import tsx src/main.ts`), pointed
 * at a bench workspace on 127.0.0.1 port 0. The port comes from its "listening" log line; memory
 * and CPU time come from /proc, summed over the board's process and any it starts (workers).
 *
 * The JS heap is read from Node's diagnostic report (on a signal, into the workspace): RSS alone
 * cannot tell memory still in use from memory V8 has not given back. A heap snapshot, also on a
 * signal, forces a full garbage collection first when a figure must not count garbage. Garbage
 * collection pauses come from --trace-gc lines, which V8 prints among the JSON log lines.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { treeCpuMs, treeMemory, type TreeMemory } from './process-tree.js';
import type { Workspace } from './workspace.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 12_000;
/** SIGURG is ignored by default, so a board started without the flag would not die of it. */
const REPORT_SIGNAL = 'SIGURG';
const SNAPSHOT_SIGNAL = 'SIGUSR2';
/** A report is written on the board's event loop, which may be busy with hundreds of callers. */
const REPORT_TIMEOUT_MS = 120_000;
/** A snapshot of a board with hundreds of callers takes tens of seconds on a busy machine. */
const SNAPSHOT_TIMEOUT_MS = 180_000;
/** What Node prints on stderr when it writes a report: expected, not a problem. */
const REPORT_CHATTER = /^(Writing Node\.js report to file: .*|Node\.js report completed)$/;
/** "[pid:0x…]  1234 ms: Mark-Compact 120.1 (150.0) -> 100.0 (140.0) MB, 20.5 / 0.1 ms …": the first figure is the pause. */
const GC_LINE = /^\[\d+:0x[0-9a-f]+\]\s+\d+ ms: ([A-Za-z -]+?) [\d.]+ \([\d.]+\) -> [\d.]+ \([\d.]+\) MB, ([\d.]+) \//;
/** Incremental marking before a mark-compact also runs on the main thread, in steps: "(+ 31.6 ms in 52 steps". */
const GC_STEPS = /\(\+ ([\d.]+) ms in \d+ steps/;

export type Memory = TreeMemory;

export interface Heap {
  /** V8 heap in use (live objects, plus garbage unless collected first), in KiB. */
  usedKb: number;
  /** V8 heap reserved, in KiB. */
  totalKb: number;
}

export interface GcPauses {
  count: number;
  /** Main-thread time in collections, incremental marking steps included, in ms. */
  totalMs: number;
  /** The longest single pause, in ms. */
  maxMs: number;
  /** Full (mark-compact) collections among them. */
  major: number;
}

export interface BoardProcess {
  readonly pid: number;
  readonly port: number;
  /** From spawn to the "listening" line. */
  readonly startMs: number;
  /** RSS of the board's process and every process it started. */
  memory(): Memory;
  /** User + system CPU time the board's processes have used, in milliseconds. */
  cpuMs(): number;
  /** Writes a heap snapshot of the main process (after a full collection); resolves with its path. */
  snapshot(): Promise<string>;
  /** The JS heap; with `collect`, after a full garbage collection (costs the board ~0.5-2 s). */
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

export async function startBoardProcess(workspace: Workspace, options: StartOptions = {}): Promise<BoardProcess> {
  const started = performance.now();
  const diagnosticDir = path.join(workspace.root, 'diagnostics');
  mkdirSync(diagnosticDir);
  const child = spawn(process.execPath, [...nodeFlags(diagnosticDir, options.profileDir), '--import', 'tsx', path.join(ROOT, 'src/main.ts')], {
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
      snapshot: () => writeSnapshot(child, diagnosticDir),
      heap: (heapOptions) => readHeap(child, diagnosticDir, heapOptions?.collect ?? false),
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
  return [
    ...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []),
    '--trace-gc',
    '--report-on-signal',
    `--report-signal=${REPORT_SIGNAL}`,
    '--report-compact',
    `--report-directory=${diagnosticDir}`,
    `--heapsnapshot-signal=${SNAPSHOT_SIGNAL}`,
    `--diagnostic-dir=${diagnosticDir}`,
  ];
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

interface Pause {
  at: number;
  ms: number;
  /** Incremental marking steps that led up to it. */
  stepsMs: number;
  major: boolean;
}

interface LogReader {
  counts: Map<string, number>;
  pauses: Pause[];
  problems: string[];
  stderr: string;
  onLine(listener: (line: Record<string, unknown>) => void): void;
}

/** Counts log lines by msg instead of keeping them: a run logs several lines per caller. */
function readLog(child: ChildProcess): LogReader {
  const reader: LogReader = { counts: new Map(), pauses: [], problems: [], stderr: '', onLine: (l) => listeners.push(l) };
  const listeners: Array<(line: Record<string, unknown>) => void> = [];
  child.stderr?.on('data', (data: Buffer) => (reader.stderr += data.toString()));
  createInterface({ input: child.stdout! }).on('line', (text) => {
    const gc = GC_LINE.exec(text);
    if (gc) {
      const stepsMs = Number(GC_STEPS.exec(text)?.[1] ?? 0);
      return void reader.pauses.push({ at: performance.now(), ms: Number(gc[2]), stepsMs, major: gc[1] === 'Mark-Compact' });
    }
    const line = parseLine(text);
    const msg = String(line.msg ?? '');
    reader.counts.set(msg, (reader.counts.get(msg) ?? 0) + 1);
    if (typeof line.level === 'number' && line.level >= 50) reader.problems.push(text.slice(0, 500));
    for (const listener of listeners) listener(line);
  });
  return reader;
}

function summarizePauses(pauses: readonly Pause[]): GcPauses {
  return {
    count: pauses.length,
    totalMs: pauses.reduce((sum, p) => sum + p.ms + p.stepsMs, 0),
    maxMs: pauses.reduce((max, p) => Math.max(max, p.ms), 0),
    major: pauses.filter((p) => p.major).length,
  };
}

function parseLine(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : { msg: text };
  } catch {
    return { msg: text };
  }
}

function waitForPort(log: LogReader, exited: Promise<unknown[]>): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the board did not log "listening" within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    log.onLine((line) => {
      if (typeof line.port !== 'number' || !String(line.msg).startsWith('listening')) return;
      clearTimeout(timer);
      resolve(line.port);
    });
    void exited.then(([code]) => {
      clearTimeout(timer);
      reject(new Error(`the board exited (code ${String(code)}) before listening: ${log.stderr.trim()}`));
    });
  });
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

function unexpectedStderr(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((line) => line.trim() !== '' && !REPORT_CHATTER.test(line.trim()))
    .map((line) => `stderr: ${line}`);
}

/**
 * Asks for a report and waits for its file. When collecting, a heap snapshot comes first and the
 * report is asked for only once the snapshot file has stopped growing: the two signals are
 * handled on the board's event loop, in no promised order.
 */
async function readHeap(child: ChildProcess, dir: string, collect: boolean): Promise<Heap> {
  const until = Date.now() + REPORT_TIMEOUT_MS;
  clear(dir);
  if (collect) await waitForSnapshot(child, dir, until);
  child.kill(REPORT_SIGNAL);
  const isReport = (file: string) => path.basename(file).startsWith('report.') && file.endsWith('.json');
  const report = await waitForFile(dir, (file) => isReport(file) && tryRead(file) !== undefined, until);
  const heap = (JSON.parse(tryRead(report) as string) as { javascriptHeap: { usedMemory: number; totalMemory: number } }).javascriptHeap;
  clear(dir);
  return { usedKb: heap.usedMemory / 1024, totalKb: heap.totalMemory / 1024 };
}

function waitForSnapshot(child: ChildProcess, dir: string, until: number): Promise<string> {
  child.kill(SNAPSHOT_SIGNAL);
  const stable = stabilityCheck();
  return waitForFile(dir, (file) => file.endsWith('.heapsnapshot') && stable(file), until);
}

/** A snapshot moved out of the diagnostics folder (the next reading clears it); the caller deletes it. */
async function writeSnapshot(child: ChildProcess, dir: string): Promise<string> {
  clear(dir);
  const file = await waitForSnapshot(child, dir, Date.now() + SNAPSHOT_TIMEOUT_MS);
  const kept = path.join(path.dirname(dir), `${path.basename(file)}`);
  renameSync(file, kept);
  return kept;
}

/** Resolves with the path of the first file in `dir` that is ready. */
async function waitForFile(dir: string, ready: (file: string) => boolean, until: number): Promise<string> {
  for (;;) {
    const file = readdirSync(dir)
      .map((name) => path.join(dir, name))
      .find(ready);
    if (file !== undefined) return file;
    if (Date.now() > until) throw new Error(`the board wrote no diagnostics within ${REPORT_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A test that holds once a file's size has not changed for 300 ms (a snapshot is written in one go). */
function stabilityCheck(): (file: string) => boolean {
  const sizes = new Map<string, { size: number; since: number }>();
  return (file) => {
    const size = statSync(file).size;
    const seen = sizes.get(file);
    if (!seen || seen.size !== size) {
      sizes.set(file, { size, since: Date.now() });
      return false;
    }
    return size > 0 && Date.now() - seen.since >= 300;
  };
}

function clear(dir: string): void {
  for (const file of readdirSync(dir)) rmSync(path.join(dir, file), { force: true });
}

/** A report file's text once it is complete (it is written in place), else undefined. */
function tryRead(file: string): string | undefined {
  try {
    const text = readFileSync(file, 'utf8');
    JSON.parse(text);
    return text;
  } catch {
    return undefined;
  }
}
