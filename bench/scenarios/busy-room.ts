/**
 * A busy room: two callers each type a line every 200 ms (5 lines a second each, 10 in all),
 * offset by half a period, as people chatting do; everyone else reads. A line counts as delivered
 * to a receiver when its marker (or a later one from the same sender) is visible on that
 * receiver's screen, so latency is what a person would see, per line and per receiver: the
 * median and p99 are over all (line, receiver) pairs. Nothing may be lost: a pair not seen within
 * the timeout counts against the delivery ratio.
 *
 * Board CPU is per delivered line per receiving caller. The bench's own CPU is reported beside it:
 * the bench parses every screen it receives, and when it is the busier side, the latency measured
 * includes its queue.
 */
import { performance } from 'node:perf_hooks';
import type { BoardProcess, GcPauses } from '../board-process.js';
import type { BenchCaller } from '../caller.js';
import { DeliveryTracker, type Arrival } from '../delivery.js';
import { summarize, type Summary } from '../stats.js';
import { delay, sampleMemory, SETTLE_MS } from '../timing.js';
import { randomWords } from '../words.js';

/** Each sender's interval between lines: 5 lines a second. */
const LINE_INTERVAL_MS = 200;
/** Chat-length lines: a marker and words, so every line differs from what the screens show. */
const LINE_CHARS = 40;
const ARRIVAL_TIMEOUT_MS = 20_000;
/**
 * Before a measured run, the same traffic this long, not measured: the first seconds of traffic
 * after a crowd arrived also pay for collecting what its logins left behind. Measured at 200
 * callers, three 10 s runs in a row cost 68, 52 and 41 µs per line per receiver; at 500, 36, 34, 30.
 */
export const BUSY_WARM_UP_SECONDS = 5;

export interface BusyRoom {
  receivers: number;
  lines: number;
  seconds: number;
  /** Per (line, receiver): sent → visible on that receiver's screen. */
  latency?: Summary;
  /** Pairs seen / pairs expected. */
  delivery: number;
  /** Lines some receiver never saw. */
  linesLost: number;
  /** Board CPU per line per receiving caller, in µs. */
  cpuUsPerDelivery: number;
  /** The bench process's own CPU over the run, as a share of one core. */
  benchCpuShare: number;
  rssBeforeKb: number;
  rssPeakKb: number;
  gc: GcPauses;
}

/**
 * Runs for `seconds`. `senders` are two callers of `callers`; every other caller in `callers`
 * is a receiver of both, and each sender receives the other's lines.
 */
export async function busyRoom(board: BoardProcess, callers: readonly BenchCaller[], seconds: number, tag = 'busy'): Promise<BusyRoom> {
  const [a, b] = callers as [BenchCaller, BenchCaller];
  const trackers = [
    { sender: a, tracker: new DeliveryTracker(`${tag}a`, callers.filter((c) => c !== a)) },
    { sender: b, tracker: new DeliveryTracker(`${tag}b`, callers.filter((c) => c !== b)) },
  ];
  const perSender = Math.floor((seconds * 1000) / LINE_INTERVAL_MS);
  const rssBeforeKb = board.memory().rssKb;
  const memory = sampleMemory(board);
  const cpuBefore = board.cpuMs();
  const benchBefore = process.cpuUsage();
  const started = performance.now();
  const arrivals: Array<Promise<Arrival>> = [];
  for (let seq = 1; seq <= perSender; seq++) {
    for (const [i, { sender, tracker }] of trackers.entries()) {
      if (i === 1) await delay(LINE_INTERVAL_MS / 2);
      arrivals.push(tracker.expect(seq, ARRIVAL_TIMEOUT_MS));
      sender.type(`${tracker.marker(seq)} ${randomWords(LINE_CHARS)}\r`);
    }
    await delay(LINE_INTERVAL_MS / 2);
  }
  const done = await Promise.all(arrivals);
  const wallMs = performance.now() - started;
  const cpuMs = board.cpuMs() - cpuBefore;
  const bench = process.cpuUsage(benchBefore);
  const rssPeakKb = memory.stop();
  const gc = board.gcSince(started);
  for (const { tracker } of trackers) tracker.dispose();
  await delay(SETTLE_MS);
  const receivers = callers.length - 1;
  const seen = done.reduce((sum, d) => sum + d.eachMs.length, 0);
  return {
    receivers,
    lines: done.length,
    seconds: wallMs / 1000,
    latency: summarize(done.flatMap((d) => d.eachMs)),
    delivery: seen / (done.length * receivers),
    linesLost: done.filter((d) => d.missing > 0).length,
    cpuUsPerDelivery: (cpuMs * 1000) / Math.max(1, seen),
    benchCpuShare: (bench.user + bench.system) / 1000 / wallMs,
    rssBeforeKb,
    rssPeakKb,
    gc,
  };
}
