/**
 * Where the board spends its CPU: reads the .cpuprofile that `node --cpu-prof` writes for each of
 * the board's processes (the primary and every worker) when it exits and lists the files and
 * functions with the most self time over all of them, counting only samples inside a time window
 * (the bench's own heap snapshots at the end are not the board's work).
 * Only with --profile; the profiler itself slows the board, so the other figures of such a run
 * read high.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { renderTable } from './table.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Microseconds of CLOCK_MONOTONIC: V8's profile clock, and process.hrtime in the bench. */
export interface ProfileWindow {
  fromUs: number;
  toUs: number;
}

export function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

const NOT_WORK = new Set(['(idle)', '(program)', '(root)']);

/**
 * Each process's main-thread profile in `dir` (none when the board wrote none). Node writes one
 * per thread, named CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile; tsx's loader thread is not ours.
 */
export function findProfiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.cpuprofile') && name.split('.')[4] === '0')
    .map((name) => path.join(dir, name));
}

export function summarizeProfiles(files: string[], root: string, window: ProfileWindow, what: string, top = 12): string {
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  let busyUs = 0;
  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    const selfUs = selfTimes(profile, window);
    for (const node of profile.nodes) {
      const us = selfUs.get(node.id) ?? 0;
      const { functionName, url, lineNumber } = node.callFrame;
      if (us === 0 || NOT_WORK.has(functionName)) continue;
      busyUs += us;
      const where = shortUrl(url, root);
      add(byFunction, `${functionName || '(anonymous)'}  ${where}${where ? `:${lineNumber + 1}` : ''}`, us);
      add(byFile, where || functionName, us);
    }
  }
  const table = (title: string, map: Map<string, number>) =>
    renderTable({
      title,
      headers: ['', 'self ms', '% of busy'],
      rows: [...map].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, us]) => [name, (us / 1000).toFixed(0), ((100 * us) / busyUs).toFixed(1)]),
    });
  const seconds = (window.toUs - window.fromUs) / 1e6;
  return [
    `Board CPU profile over ${files.length} processes, ${what}: ${(busyUs / 1000).toFixed(0)} ms busy in ${seconds.toFixed(0)} s (${files.map((f) => path.basename(f)).join(', ')} in ${path.dirname(files[0] ?? '')})`,
    table('By file', byFile),
    table('By function', byFunction),
  ].join('\n\n');
}

/** Each sample's time delta is charged to the node that was on top of the stack. */
function selfTimes(profile: CpuProfile, window: ProfileWindow): Map<number, number> {
  const times = new Map<number, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (at >= window.fromUs && at <= window.toUs) add(times, id, delta);
  });
  return times;
}

function add<K>(map: Map<K, number>, key: K, value: number): void {
  map.set(key, (map.get(key) ?? 0) + value);
}

function shortUrl(url: string, root: string): string {
  const plain = url.replace(/^file:\/\//, '');
  if (!plain) return '';
  const modules = plain.lastIndexOf('node_modules/');
  if (modules >= 0) return plain.slice(modules + 'node_modules/'.length);
  return plain.startsWith(root) ? path.relative(root, plain) : plain;
}
