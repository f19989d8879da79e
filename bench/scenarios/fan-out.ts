/**
 * Fan-out latency: with every caller in the room, one of them types a line and the clock runs
 * until every screen (the sender's included) shows it. One line at a time, then bursts of lines
 * typed in one write (a paste), timed to the burst's last line.
 */
import { performance } from 'node:perf_hooks';
import type { BoardProcess, GcPauses } from '../board-process.js';
import type { BenchCaller } from '../caller.js';
import { DeliveryTracker, type Arrival } from '../delivery.js';
import { summarize, type Summary } from '../stats.js';
import { delay } from '../timing.js';

const ARRIVAL_TIMEOUT_MS = 15_000;
/** Between bursts, so the sender's flood bucket (100 lines, 100 a second) is full again. */
const BURST_GAP_MS = 400;

export interface FanOut {
  /** Send → every screen shows it. */
  last?: Summary;
  /** Send → the first screen shows it. */
  first?: Summary;
  /** Lines that some screen never showed within the timeout. */
  missed: number;
  /** The board's CPU time per line sent, in ms. */
  cpuMsPerLine: number;
  /** Bytes each caller received per line, on average. */
  bytesPerCaller: number;
  gc: GcPauses;
}

export async function fanOutSingles(board: BoardProcess, callers: readonly BenchCaller[], rounds: number): Promise<FanOut> {
  const sender = callers[0] as BenchCaller;
  const measured = await measure(board, callers, 'fan', rounds, async (tracker, round) => {
    const arrival = tracker.expect(round, ARRIVAL_TIMEOUT_MS);
    sender.type(`${tracker.marker(round)}\r`);
    return arrival;
  });
  return perLine(measured, rounds);
}

export async function fanOutBursts(board: BoardProcess, callers: readonly BenchCaller[], rounds: number, size: number): Promise<FanOut> {
  const sender = callers[0] as BenchCaller;
  const measured = await measure(board, callers, 'burst', rounds, async (tracker, round) => {
    await delay(BURST_GAP_MS);
    const seqs = Array.from({ length: size }, (_, i) => (round - 1) * size + i + 1);
    const arrival = tracker.expect(seqs[seqs.length - 1] as number, ARRIVAL_TIMEOUT_MS);
    sender.type(seqs.map((seq) => `${tracker.marker(seq)}\r`).join(''));
    return arrival;
  });
  return perLine(measured, rounds * size);
}

function perLine({ cpuMs, bytes, ...rest }: Measured, lines: number): FanOut {
  return { ...rest, cpuMsPerLine: cpuMs / lines, bytesPerCaller: bytes / lines };
}

interface Measured {
  last?: Summary;
  first?: Summary;
  missed: number;
  cpuMs: number;
  gc: GcPauses;
  /** Bytes per caller over all rounds. */
  bytes: number;
}

async function measure(
  board: BoardProcess,
  callers: readonly BenchCaller[],
  tag: string,
  rounds: number,
  round: (tracker: DeliveryTracker, round: number) => Promise<Arrival>,
): Promise<Measured> {
  const tracker = new DeliveryTracker(tag, callers);
  const bytesBefore = totalBytes(callers);
  const cpuBefore = board.cpuMs();
  const started = performance.now();
  const arrivals: Arrival[] = [];
  try {
    for (let r = 1; r <= rounds; r++) arrivals.push(await round(tracker, r));
  } finally {
    tracker.dispose();
  }
  const complete = arrivals.filter((a) => a.missing === 0);
  return {
    last: summarize(complete.map((a) => a.lastMs)),
    first: summarize(complete.map((a) => a.firstMs)),
    missed: arrivals.length - complete.length,
    cpuMs: board.cpuMs() - cpuBefore,
    gc: board.gcSince(started),
    bytes: (totalBytes(callers) - bytesBefore) / callers.length,
  };
}

function totalBytes(callers: readonly BenchCaller[]): number {
  return callers.reduce((sum, caller) => sum + caller.bytesReceived, 0);
}
