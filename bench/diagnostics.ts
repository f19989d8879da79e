/**
 * The JS heap of every Node process of the board — the primary and each worker — from Node's own
 * diagnostics, asked for with signals and written into the workspace: RSS alone cannot tell memory
 * still in use from memory V8 has not given back. A report gives a process's heap figures; a heap
 * snapshot, written first when a figure must not count garbage, forces a full collection. Workers
 * are started with the primary's Node flags, so each answers the same signals with its own files,
 * named by its pid.
 */
import { readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { processTree } from './process-tree.js';

/** SIGURG is ignored by default, so a board started without the flag would not die of it. */
const REPORT_SIGNAL = 'SIGURG';
const SNAPSHOT_SIGNAL = 'SIGUSR2';
/** A report is written on the board's event loop, which may be busy with hundreds of callers. */
const REPORT_TIMEOUT_MS = 120_000;
/** A snapshot of a board with hundreds of callers takes tens of seconds on a busy machine. */
const SNAPSHOT_TIMEOUT_MS = 180_000;
/** On a Node process's command line only when it answers our signals (tsx's esbuild does not). */
const ANSWERS_SIGNALS = '--report-on-signal';

export interface Heap {
  /** V8 heap in use (live objects, plus garbage unless collected first), in KiB, over every process. */
  usedKb: number;
  /** V8 heap reserved, in KiB, over every process. */
  totalKb: number;
  /** How many processes were summed. */
  processes: number;
}

/** Node flags for diagnostics on signals, all files into `dir`. */
export function diagnosticFlags(dir: string): string[] {
  return [
    '--report-on-signal',
    `--report-signal=${REPORT_SIGNAL}`,
    '--report-compact',
    // Without it a report looks up the name of every socket's peer by reverse DNS, on the main
    // thread: with callers on many 127.x addresses and no answering resolver, a worker stopped
    // serving for minutes inside each heap reading.
    '--report-exclude-network',
    `--report-directory=${dir}`,
    `--heapsnapshot-signal=${SNAPSHOT_SIGNAL}`,
    `--diagnostic-dir=${dir}`,
  ];
}

/** The Node processes of the board started as `root` that answer diagnostic signals. */
function boardNodes(root: number): number[] {
  return processTree(root).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(ANSWERS_SIGNALS);
    } catch {
      return false; // it exited while we looked
    }
  });
}

/** A diagnostics file of process `pid`: Node puts the pid between dots in every name it writes. */
const ofPid = (file: string, pid: number) => path.basename(file).includes(`.${pid}.`);

/**
 * Asks every process for a report and sums their heaps. When collecting, heap snapshots come first
 * and the reports are asked for only once each snapshot file has stopped growing: the two signals
 * are handled on each process's event loop, in no promised order.
 */
export async function readHeap(root: number, dir: string, collect: boolean): Promise<Heap> {
  const until = Date.now() + REPORT_TIMEOUT_MS;
  const pids = boardNodes(root);
  clear(dir);
  if (collect) await waitForSnapshots(pids, dir, until);
  for (const pid of pids) process.kill(pid, REPORT_SIGNAL);
  const isReport = (file: string) => path.basename(file).startsWith('report.') && file.endsWith('.json');
  const heap = { usedKb: 0, totalKb: 0, processes: pids.length };
  for (const pid of pids) {
    const report = await waitForFile(dir, (file) => ofPid(file, pid) && isReport(file) && tryRead(file) !== undefined, until);
    const figures = (JSON.parse(tryRead(report) as string) as { javascriptHeap: { usedMemory: number; totalMemory: number } }).javascriptHeap;
    heap.usedKb += figures.usedMemory / 1024;
    heap.totalKb += figures.totalMemory / 1024;
  }
  clear(dir);
  return heap;
}

async function waitForSnapshots(pids: number[], dir: string, until: number): Promise<string[]> {
  for (const pid of pids) process.kill(pid, SNAPSHOT_SIGNAL);
  const stable = stabilityCheck();
  const files: string[] = [];
  for (const pid of pids) files.push(await waitForFile(dir, (file) => ofPid(file, pid) && file.endsWith('.heapsnapshot') && stable(file), until));
  return files;
}

/** One snapshot per process, moved out of `dir` (the next reading clears it); the caller deletes them. */
export async function writeSnapshots(root: number, dir: string): Promise<string[]> {
  clear(dir);
  const files = await waitForSnapshots(boardNodes(root), dir, Date.now() + SNAPSHOT_TIMEOUT_MS);
  return files.map((file) => {
    const kept = path.join(path.dirname(dir), path.basename(file));
    renameSync(file, kept);
    return kept;
  });
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
