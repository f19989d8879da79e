/**
 * A resize storm: what callers who keep changing their window cost everyone else. The crowd chats
 * in a busy room in rounds of three runs, each the same length: with no storm (the reference),
 * while BURST_CALLERS extra callers each send BURST_CHANGES window-changes at once, and while
 * STEADY_CALLERS of them resize STEADY_PER_SECOND times a second throughout. The stormers' own
 * screens are resized too, as a terminal would, and they read everything (they are in the room)
 * but send no lines.
 *
 * On a shared machine one run's p99 and RSS move by themselves, so every kind of run is repeated
 * STORM_ROUNDS times, interleaved, and the report gives the median of each figure with its range. The
 * reference runs show the machine's own noise: compare the storm runs with them.
 *
 * RSS alone cannot tell memory held from garbage V8 has not collected or pages it has not given
 * back, so after each run the JS heap is read beside RSS (not collected: live objects and garbage),
 * summed over every process of the board, the workers holding the screens included. No full
 * collection is forced: the heap snapshot that forces one leaves RSS inflated for good, and the
 * larger crowds are measured after the storm.
 */
import type { BoardProcess, Heap } from '../board-process.js';
import type { BenchCaller } from '../caller.js';
import type { Crowd } from '../crowd.js';
import { formatTail, median, megabytes, signed, spread } from '../stats.js';
import { renderTable } from '../table.js';
import { delay, SETTLE_MS } from '../timing.js';
import { BOARD_LAYOUTS_PER_SECOND } from '../../src/ssh/resize-throttle.js';
import { busyRoom, type BusyRoom } from './busy-room.js';

export const BURST_CALLERS = 30;
const BURST_CHANGES = 40;
const STEADY_CALLERS = 15;
const STEADY_PER_SECOND = 4;
export const STORM_ROUNDS = 5;

type Kind = 'calm' | 'burst' | 'steady';
const KINDS: readonly Kind[] = ['calm', 'burst', 'steady'];

export interface StormRun {
  kind: Kind;
  room: BusyRoom;
  /** RSS and JS heap (every process), not collected, after the run settled. */
  rssAfterKb: number;
  heapAfter: Heap;
}

export interface ResizeStorm {
  /** Callers in the busy room besides the stormers. */
  others: number;
  /** In the order they ran: STORM_ROUNDS rounds of calm, burst, steady. */
  runs: StormRun[];
  /** The board's RSS before the first run, in KiB. */
  rssBeforeKb: number;
  /** At the end. */
  end: { rssKb: number; heap: Heap };
}

/** Sizes a person dragging a window corner goes through: widths 60–159, heights 20–49. */
function sizeAt(step: number): { cols: number; rows: number } {
  return { cols: 60 + ((step * 7) % 100), rows: 20 + ((step * 3) % 30) };
}

export async function resizeStorm(board: BoardProcess, crowd: Crowd, seconds: number): Promise<ResizeStorm> {
  const others = crowd.callers;
  const stormers = (await crowd.dial(BURST_CALLERS)).map((joined) => joined.caller);
  try {
    await delay(SETTLE_MS);
    const rssBeforeKb = board.memory().rssKb;
    const runs: StormRun[] = [];
    for (let round = 0; round < STORM_ROUNDS; round++) {
      for (const kind of KINDS) {
        const room = await stormRun(board, others, stormers, kind, seconds);
        runs.push({ kind, room, rssAfterKb: board.memory().rssKb, heapAfter: await board.heap() });
      }
    }
    const end = { rssKb: board.memory().rssKb, heap: await board.heap() };
    return { others: others.length, runs, rssBeforeKb, end };
  } finally {
    await Promise.all(stormers.map((caller) => caller.close()));
  }
}

async function stormRun(board: BoardProcess, others: readonly BenchCaller[], stormers: readonly BenchCaller[], kind: Kind, seconds: number): Promise<BusyRoom> {
  const run = busyRoom(board, others, seconds, kind);
  if (kind === 'calm') return run;
  if (kind === 'burst') {
    const sizes = Array.from({ length: BURST_CHANGES }, (_, step) => sizeAt(step));
    // Each stormer's window-changes go out in a turn of their own. All 1,200 packets encrypted and
    // written in one go held the bench ~20 ms, and the lines it was reading for everyone else
    // would have been stamped late by as much. The board still gets them as one burst.
    for (const caller of stormers) setImmediate(() => caller.sendWindowChanges(sizes));
  }
  const stop = kind === 'steady' ? keepResizing(stormers.slice(0, STEADY_CALLERS)) : () => undefined;
  const room = await run.finally(stop);
  // The board may still owe each stormer its last layout: the next run must not pay for them.
  await delay((stormers.length / BOARD_LAYOUTS_PER_SECOND) * 1000);
  return room;
}

/** Each caller resizes STEADY_PER_SECOND times a second, spread over the second; returns the stop. */
function keepResizing(callers: readonly BenchCaller[]): () => void {
  let step = 0;
  const periodMs = 1000 / STEADY_PER_SECOND / callers.length;
  const timer = setInterval(() => {
    const caller = callers[step % callers.length] as BenchCaller;
    caller.resize(sizeAt(step++));
  }, periodMs);
  return () => clearInterval(timer);
}

const HEADERS = [
  'run',
  'lines',
  "others' latency, median run (ms: median / p99 / max)",
  'p99 ms: median (range)',
  'p99 vs no storm',
  'RSS added in the run, peak (MiB)',
  'JS heap after (MiB)',
  'delivery (lowest)',
];

const LABELS: Record<Kind, string> = {
  calm: 'no storm',
  burst: `${BURST_CALLERS} callers × ${BURST_CHANGES} window-changes at once`,
  steady: `${STEADY_CALLERS} callers resizing ${STEADY_PER_SECOND}/s`,
};

export function renderResizeStorm(storm: ResizeStorm | undefined): string {
  if (!storm) return '';
  const of = (kind: Kind) => storm.runs.filter((r) => r.kind === kind);
  const p99 = (r: StormRun) => r.room.latency?.p99 ?? NaN;
  const calmP99 = median(of('calm').map(p99));
  const row = (kind: Kind): string[] => {
    const runs = of(kind);
    const p99s = runs.map(p99);
    const middle = runs.find((r) => p99(r) === median(p99s)) ?? runs[0]!;
    return [
      `${LABELS[kind]} (${runs.length} runs)`,
      String(middle.room.lines),
      formatTail(middle.room.latency),
      spread(p99s, (v) => v.toFixed(1)),
      kind === 'calm' ? '' : `${signed((100 * (median(p99s) - calmP99)) / calmP99, 0)}%`,
      spread(runs.map((r) => (r.room.rssPeakKb - r.room.rssBeforeKb) / 1024), (v) => signed(v)),
      spread(runs.map((r) => r.heapAfter.usedKb / 1024), (v) => v.toFixed(1)),
      Math.min(...runs.map((r) => r.room.delivery)).toFixed(4),
    ];
  };
  const { end } = storm;
  return renderTable({
    title: `Resize storm: ${storm.others} callers in a busy room (two senders, 5 lines a second each), with and without a storm, ${STORM_ROUNDS} rounds interleaved`,
    headers: HEADERS,
    rows: KINDS.map(row),
    notes: [
      "RSS added in the run: its peak over the board's RSS as it began, every process summed; median (lowest…highest) of the runs.",
      `Over all ${storm.runs.length} runs: RSS from ${megabytes(storm.rssBeforeKb)} MiB before the first (the storm's ${BURST_CALLERS} callers already connected) to ${megabytes(storm.end.rssKb)} MiB after the last (${signed((storm.end.rssKb - storm.rssBeforeKb) / 1024)}).`,
      'JS heap after: V8 heap in use once the run settled, not collected (live objects and garbage), every process summed.',
      `At the end: JS heap ${megabytes(end.heap.usedKb)} MiB used of ${megabytes(end.heap.totalKb)} MiB reserved.`,
      'targets (issue #7): p99 within 20% of the runs with no storm, and under 50 MB added by the storm',
    ],
  });
}
