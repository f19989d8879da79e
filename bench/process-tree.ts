/**
 * The board as a whole: its process and every process it started (worker processes, if it runs
 * any), read from /proc, so memory and CPU figures are the kernel's view of all of them. A child
 * is found through /proc/<pid>/task/<tid>/children (every thread's list: a child belongs to the
 * thread that forked it).
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second for /proc/<pid>/stat (USER_HZ; 100 on every Linux we run). */
const TICKS_PER_SECOND = 100;

export interface TreeMemory {
  /** Resident set size now, summed over the processes, in KiB. */
  rssKb: number;
  /** Each process's highest RSS (VmHWM), summed: an upper bound on the tree's peak, in KiB. */
  peakKb: number;
  /** How many processes were summed. */
  processes: number;
}

/** `pid` and all its descendants that are alive now. */
export function processTree(pid: number): number[] {
  const found: number[] = [];
  const visit = (id: number) => {
    found.push(id);
    for (const child of childrenOf(id)) visit(child);
  };
  visit(pid);
  return found;
}

function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
      readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
    );
  } catch {
    return []; // it exited while we looked
  }
}

export function treeMemory(pid: number): TreeMemory {
  let rssKb = 0;
  let peakKb = 0;
  let processes = 0;
  for (const id of processTree(pid)) {
    const status = readOrEmpty(`/proc/${id}/status`);
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    if (!status) continue;
    rssKb += field('VmRSS');
    peakKb += field('VmHWM');
    processes++;
  }
  return { rssKb, peakKb, processes };
}

/**
 * User + system CPU time in ms: of the live processes, and of the children the root has reaped
 * (cutime/cstime), so a worker that exited during a measurement still counts.
 */
export function treeCpuMs(pid: number): number {
  let ticks = 0;
  for (const id of processTree(pid)) {
    const stat = readOrEmpty(`/proc/${id}/stat`);
    if (!stat) continue;
    // Fields after the command name, which is in parentheses and may itself contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]); // utime and stime: fields 14 and 15 of stat
    if (id === pid) ticks += Number(fields[13]) + Number(fields[14]); // cutime and cstime: 16 and 17
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}

function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
