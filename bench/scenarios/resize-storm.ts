/**
 * A resize storm: what callers who keep changing their window cost everyone else. The crowd chats
 * in a busy room three times over, each run the same length: with no storm (the reference), while
 * BURST_CALLERS extra callers each send BURST_CHANGES window-changes at once, and while
 * STEADY_CALLERS of them resize STEADY_PER_SECOND times a second throughout. For each run: the
 * others' latency (p99 over every line and receiver, as the busy room measures it) and the RSS the
 * board added over what it held before the first run. The stormers' own screens are resized too,
 * as a terminal would, and they read everything (they are in the room) but send no lines.
 *
 * The reference run also shows the machine's own noise: on a shared machine p99 moves by itself,
 * so compare the storm runs with it, and repeat the bench.
 */
import type { BoardProcess } from '../board-process.js';
import type { BenchCaller } from '../caller.js';
import type { Crowd } from '../crowd.js';
import { formatTail, megabytes, signed } from '../stats.js';
import { renderTable } from '../table.js';
import { delay, SETTLE_MS } from '../timing.js';
import { busyRoom, type BusyRoom } from './busy-room.js';

export const BURST_CALLERS = 30;
const BURST_CHANGES = 40;
const STEADY_CALLERS = 15;
const STEADY_PER_SECOND = 4;

export interface ResizeStorm {
  /** Callers in the busy room besides the stormers. */
  others: number;
  reference: BusyRoom;
  burst: BusyRoom;
  steady: BusyRoom;
  /** The board's RSS before the reference run, in KiB. */
  rssBeforeKb: number;
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
    const reference = await busyRoom(board, others, seconds, 'calm');

    const burstRun = busyRoom(board, others, seconds, 'burst');
    for (const caller of stormers) for (let step = 0; step < BURST_CHANGES; step++) caller.resize(sizeAt(step));
    const burst = await burstRun;

    const stop = keepResizing(stormers.slice(0, STEADY_CALLERS));
    const steady = await busyRoom(board, others, seconds, 'steady').finally(stop);
    return { others: others.length, reference, burst, steady, rssBeforeKb };
  } finally {
    await Promise.all(stormers.map((caller) => caller.close()));
  }
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

const HEADERS = ['run', 'lines', 'others\' latency (ms: median / p99 / max)', 'p99 vs no storm', 'RSS added (MiB)', 'delivery'];

export function renderResizeStorm(storm: ResizeStorm | undefined): string {
  if (!storm) return '';
  const p99 = (b: BusyRoom) => b.latency?.p99 ?? NaN;
  const row = (label: string, b: BusyRoom): string[] => [
    label,
    String(b.lines),
    formatTail(b.latency),
    b === storm.reference ? '' : `${signed((100 * (p99(b) - p99(storm.reference))) / p99(storm.reference), 0)}%`,
    signed((b.rssPeakKb - storm.rssBeforeKb) / 1024),
    b.delivery.toFixed(4),
  ];
  return renderTable({
    title: `Resize storm: ${storm.others} callers in a busy room (two senders, 5 lines a second each), with and without a storm`,
    headers: HEADERS,
    rows: [
      row('no storm', storm.reference),
      row(`${BURST_CALLERS} callers × ${BURST_CHANGES} window-changes at once`, storm.burst),
      row(`${STEADY_CALLERS} callers resizing ${STEADY_PER_SECOND}/s`, storm.steady),
    ],
    notes: [
      `RSS added: the run's peak over the board's RSS before the first run (${megabytes(storm.rssBeforeKb)} MiB); the storm's ${BURST_CALLERS} callers were already connected`,
      'targets (issue #7): p99 within 20% of the run with no storm, and under 50 MB added by the storm',
    ],
  });
}
