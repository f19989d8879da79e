/**
 * The board's stdout and stderr, read as they come: its JSON log lines counted by msg (a run logs
 * several per caller, so they are not kept), error-level lines and stray stderr kept as problems,
 * and the garbage collection pauses V8 prints among them with --trace-gc. Worker processes share
 * the board's stdout, so their pauses are here too, each line tagged with its process.
 */
import type { ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';

const START_TIMEOUT_MS = 30_000;
/**
 * What Node prints on stderr when it writes a report: expected, not a problem. Workers share the
 * stream, so one's "Writing … to file: " may be cut from its file name by another's line.
 */
const REPORT_CHATTER = /^(Writing Node\.js report to file:( .*)?|Node\.js report completed|report\.[\d.]+\.json)$/;
/**
 * "[pid:0x…]  1234 ms: Mark-Compact 120.1 (150.0) -> 100.0 (140.0) MB, 20.5 / 0.1 ms …": the first
 * figure is the pause. Node 24.22 puts "pooled: 0 MB, " before it.
 */
const GC_LINE = /^\[(\d+):0x[0-9a-f]+\]\s+\d+ ms: ([A-Za-z -]+?) [\d.]+ \([\d.]+\) -> [\d.]+ \([\d.]+\) MB, (?:pooled: [\d.]+ MB, )?([\d.]+) \//;
/** Incremental marking before a mark-compact also runs on the main thread, in steps: "(+ 31.6 ms in 52 steps". */
const GC_STEPS = /\(\+ ([\d.]+) ms in \d+ steps/;

export interface GcPauses {
  count: number;
  /** Main-thread time in collections, incremental marking steps included, in ms, summed over every process. */
  totalMs: number;
  /** The longest single pause in any process, in ms. */
  maxMs: number;
  /** Full (mark-compact) collections among them. */
  major: number;
  /** How many processes paused. */
  processes: number;
}

export interface Pause {
  pid: number;
  at: number;
  ms: number;
  /** Incremental marking steps that led up to it. */
  stepsMs: number;
  major: boolean;
}

export interface LogReader {
  counts: Map<string, number>;
  pauses: Pause[];
  problems: string[];
  stderr: string;
  onLine(listener: (line: Record<string, unknown>) => void): void;
}

/** Counts log lines by msg instead of keeping them: a run logs several lines per caller. */
export function readLog(child: ChildProcess): LogReader {
  const reader: LogReader = { counts: new Map(), pauses: [], problems: [], stderr: '', onLine: (l) => listeners.push(l) };
  const listeners: Array<(line: Record<string, unknown>) => void> = [];
  child.stderr?.on('data', (data: Buffer) => (reader.stderr += data.toString()));
  createInterface({ input: child.stdout! }).on('line', (text) => {
    const gc = GC_LINE.exec(text);
    if (gc) {
      const stepsMs = Number(GC_STEPS.exec(text)?.[1] ?? 0);
      return void reader.pauses.push({ pid: Number(gc[1]), at: performance.now(), ms: Number(gc[3]), stepsMs, major: gc[2] === 'Mark-Compact' });
    }
    const line = parseLine(text);
    const msg = String(line.msg ?? '');
    reader.counts.set(msg, (reader.counts.get(msg) ?? 0) + 1);
    if (typeof line.level === 'number' && line.level >= 50) reader.problems.push(text.slice(0, 500));
    for (const listener of listeners) listener(line);
  });
  return reader;
}

export function summarizePauses(pauses: readonly Pause[]): GcPauses {
  return {
    count: pauses.length,
    totalMs: pauses.reduce((sum, p) => sum + p.ms + p.stepsMs, 0),
    maxMs: pauses.reduce((max, p) => Math.max(max, p.ms), 0),
    major: pauses.filter((p) => p.major).length,
    processes: new Set(pauses.map((p) => p.pid)).size,
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

export function waitForPort(log: LogReader, exited: Promise<unknown[]>): Promise<number> {
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

export function unexpectedStderr(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((line) => line.trim() !== '' && !REPORT_CHATTER.test(line.trim()))
    .map((line) => `stderr: ${line}`);
}
