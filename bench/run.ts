/**
 * npm run bench — starts the real board as a child process on 127.0.0.1 and measures, with real
 * SSH callers, each from its own loopback address with a 120×40 screen: logins (password vs key),
 * and for each crowd size N: set-up times and memory per caller held (every process of the board
 * summed), fan-out latency, and a busy room (two senders, 5 lines a second each); then at the
 * largest N, 50 callers who stop reading, one caller whose window fills, and whether hanging up
 * gives everything back. It only measures and prints (progress on stderr, the report on stdout);
 * the results also go to a JSON file in the OS temp folder, never into the repository.
 *
 *   npm run bench                                  everything, N = 10, 100, 200, 500, 1000
 *   npm run bench -- --n 10,100 --only busy-room   a quick run: some sizes, some scenarios
 *   npm run bench -- --n 200 --only resize-storm   what window-change storms cost the others
 *   npm run bench -- --heap-at 200                 also: heap snapshots, per-caller objects by type
 *   npm run bench -- --profile                     also: the board's CPU profile
 *   npm run bench -- --only instances --instances 3  fan-out over 3 instances on Redis vs one
 *                                                  (part of the full run; ./multi-instance.ts)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { startBoardProcess, type BoardProcess } from './board-process.js';
import { Cleanup } from './cleanup.js';
import { Crowd } from './crowd.js';
import { growthPerCaller, readHeapTypes, sumHeapTypes, type HeapTypes } from './heap-snapshot.js';
import { findProfiles, monotonicUs, summarizeProfiles, type ProfileWindow } from './profile.js';
import { renderReport, type BenchResults, type SizeResults } from './report.js';
import { BUSY_WARM_UP_SECONDS, busyRoom } from './scenarios/busy-room.js';
import { fanOutBursts, fanOutSingles } from './scenarios/fan-out.js';
import { hangUpAll } from './scenarios/hang-up.js';
import { timeLogins } from './scenarios/logins.js';
import { scrollbackCost } from './scenarios/scrollback.js';
import { growTo, idleStep } from './scenarios/sessions.js';
import { slowCaller } from './scenarios/slow-caller.js';
import { BURST_CALLERS, resizeStorm, STORM_ROUNDS } from './scenarios/resize-storm.js';
import { STALLED_ROUNDS, stalledCallers, stallingCount } from './scenarios/stalled.js';
import { delay, SETTLE_MS } from './timing.js';
import { createWorkspace } from './workspace.js';
import { INSTANCE_LIMITS, instancesScenario } from './multi-instance.js';
import { hasRedisServer, REDIS_MISSING } from '../test/helpers/redis.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const INSTANCES_SKIPPED = `instances: not run, ${REDIS_MISSING}`;
const DEFAULT_SIZES = [10, 100, 200, 500, 1000];
const MAX_CALLERS = 1000;
const SCENARIOS = ['logins', 'fan-out', 'busy-room', 'stalled', 'resize-storm', 'slow-caller', 'hang-up', 'instances'] as const;
type Scenario = (typeof SCENARIOS)[number];
const LOGINS_EACH = 5;
const FAN_OUT_ROUNDS = 20;
const BURST_ROUNDS = 3;
const BURST_SIZE = 20;
const BUSY_SECONDS = 10;
const STALLED_CALLERS = 50;
/** Callers in each of the two connect-and-hang-up cycles that show whether memory comes back. */
const CYCLE_MAX = 100;
const STORM_CROWD_MAX = 200;
const CYCLES = 2;
const SCROLLBACK_LINES = 100;
/** Past this the run is stopped and cleaned up: a bench must not run away on a shared machine. */
const RUN_LIMIT_MS = 45 * 60_000;

interface Options {
  sizes: number[];
  scenarios: Set<Scenario>;
  heapAt?: number;
  profile: boolean;
  /** Instances on Redis in the `instances` scenario. */
  instances: number;
  /** The `instances` scenario was asked for, but there is no redis-server to run it on. */
  instancesSkipped: boolean;
}

type Measured = Omit<BenchResults, 'environment' | 'accounts' | 'totalMs' | 'scenarios' | 'stopped'>;

const cleanup = new Cleanup();
const started = performance.now();

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      n: { type: 'string', default: DEFAULT_SIZES.join(',') },
      only: { type: 'string', default: SCENARIOS.join(',') },
      'heap-at': { type: 'string' },
      profile: { type: 'boolean', default: false },
      instances: { type: 'string', default: '3' },
    },
  });
  const instances = Number(values.instances);
  const [fewest, most] = INSTANCE_LIMITS.instances;
  if (!Number.isInteger(instances) || instances < fewest || instances > most) throw new Error(`--instances takes a whole number from ${fewest} to ${most}`);
  const sizes = [...new Set(values.n.split(',').map(Number))].sort((a, b) => a - b);
  if (sizes.some((n) => !Number.isInteger(n) || n < 2 || n > MAX_CALLERS)) throw new Error(`--n takes whole numbers from 2 to ${MAX_CALLERS}, comma-separated`);
  const scenarios = values.only.split(',').filter(Boolean);
  const unknown = scenarios.filter((s) => !(SCENARIOS as readonly string[]).includes(s));
  if (unknown.length > 0) throw new Error(`--only: unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.join(', ')}`);
  const heapAt = values['heap-at'] === undefined ? undefined : Number(values['heap-at']);
  if (heapAt !== undefined && !sizes.includes(heapAt)) throw new Error(`--heap-at must be one of the sizes in --n (${sizes.join(', ')})`);
  const chosen = new Set(scenarios as Scenario[]);
  // Without a redis-server everything else is still measured, and the report says what was not.
  const instancesSkipped = chosen.has('instances') && !hasRedisServer();
  if (instancesSkipped) chosen.delete('instances');
  return { sizes, scenarios: chosen, heapAt, profile: values.profile ?? false, instances, instancesSkipped };
}

/**
 * The crowd the resize storm runs in: the largest N up to STORM_CROWD_MAX (else the smallest).
 * Its fifteen busy-room runs in a larger crowd would take many minutes and measure the same thing.
 */
function stormCrowd(sizes: readonly number[]): number {
  return sizes.filter((n) => n <= STORM_CROWD_MAX).at(-1) ?? (sizes[0] as number);
}

/** Every login takes a fresh account (a second login to one account replaces the first). */
function accountsFor(options: Options): number {
  const largest = options.sizes[options.sizes.length - 1] as number;
  const cycle = Math.min(largest, CYCLE_MAX);
  return largest + 2 * LOGINS_EACH + BURST_CALLERS + 1 + CYCLES * cycle + (1 + CYCLES);
}

function progress(text: string): void {
  process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s] ${text}\n`);
}

async function main(options: Options): Promise<void> {
  if (options.instancesSkipped) progress(INSTANCES_SKIPPED);
  const accounts = accountsFor(options);
  progress(`creating ${accounts} accounts and host keys`);
  // Every account may be on at once (the storm's callers dial in on top of the
  // largest N), so nodes and seats are sized by accounts, not by N.
  const workspace = await createWorkspace({ accounts, callers: accounts });
  cleanup.add(() => workspace.remove());
  const profileDir = options.profile ? mkdtempSync(path.join(os.tmpdir(), 'ssh-bbs-bench-profile-')) : undefined;
  let keepProfile = false;
  if (profileDir) cleanup.add(() => keepProfile || rmSync(profileDir, { recursive: true, force: true }));

  progress('starting the board');
  const board = await startBoardProcess(workspace, { profileDir });
  cleanup.add(() => board.stop());
  const crowd = new Crowd(board.port, workspace.accounts);
  cleanup.add(() => crowd.hangUp());
  const { measured, serving } = await measure(board, crowd, options, accounts);
  sofar = undefined;
  progress('stopping the board');
  await board.stop(); // the profile is written as the board exits

  const scenarios = [...options.scenarios];
  publish({ environment: environment(), accounts, scenarios, ...measured, totalMs: performance.now() - started });
  const profiles = profileDir ? findProfiles(profileDir) : [];
  if (profiles.length > 0) process.stdout.write(`\n${summarizeProfiles(profiles, ROOT, serving, 'logins to the end of the slow-caller runs')}\n`);
  const largest = [...fanOutWindows].at(-1);
  if (profiles.length > 0 && largest) {
    process.stdout.write(`\n${summarizeProfiles(profiles, ROOT, largest[1], `the fan-out to ${largest[0]} callers alone`)}\n`);
  }
  keepProfile = true;
  // Boards of its own (one, then several on a redis-server), after the main board has stopped.
  if (options.instancesSkipped) process.stdout.write(`\n${INSTANCES_SKIPPED}\n`);
  if (options.scenarios.has('instances')) {
    const largest = options.sizes[options.sizes.length - 1] as number;
    process.stdout.write(`\n${await instancesScenario(largest, options.instances, progress, cleanup)}\n`);
  }
}

/** When each fan-out ran, by crowd size: the profile of the largest is printed on its own. */
const fanOutWindows = new Map<number, ProfileWindow>();

/** What has been measured so far, kept as it comes in: a run stopped early still prints it. */
let sofar: { board: BoardProcess; measured: Partial<Measured>; accounts: number; options: Options } | undefined;

/** Everything, in order; `serving` spans the phases with callers (not the heap snapshots after). */
async function measure(board: BoardProcess, crowd: Crowd, options: Options, accounts: number): Promise<{ measured: Measured; serving: ProfileWindow }> {
  const m: Partial<Measured> = {};
  sofar = { board, measured: m, accounts, options };
  const idle = (m.idle = await idleStep(board));
  // Not collected: a heap snapshot (the way to force a collection) leaves RSS inflated, so
  // collected figures wait until the end, after every RSS figure that matters.
  const heapBefore = options.heapAt === undefined ? undefined : await heapTypes(board);
  const has = (s: Scenario) => options.scenarios.has(s);

  const fromUs = monotonicUs();
  if (has('logins')) {
    progress(`logins: ${LOGINS_EACH} by password, ${LOGINS_EACH} by key`);
    const password = await timeLogins(board.port, crowd, LOGINS_EACH, 'password');
    const publickey = await timeLogins(board.port, crowd, LOGINS_EACH, 'publickey');
    m.logins = { password, publickey, count: LOGINS_EACH };
  }

  const sizes: SizeResults[] = (m.sizes = []);
  let previous = idle;
  for (const n of options.sizes) {
    progress(`${n} callers: connecting ${n - crowd.size} more`);
    const step = await growTo(board, crowd, n, previous, idle);
    previous = step;
    if (heapBefore && options.heapAt === n) m.heap = { callers: n, ...growthPerCaller(heapBefore, await heapTypes(board), n) };
    sizes.push(await trafficAt(board, crowd, step, options));
    if (has('resize-storm') && n === stormCrowd(options.sizes)) {
      progress(`resize storm with ${crowd.size} in the busy room: ${STORM_ROUNDS} rounds of no storm, a burst, steady resizing (${BUSY_SECONDS} s each)`);
      m.resizeStorm = await resizeStorm(board, crowd, BUSY_SECONDS);
    }
  }

  if (has('stalled')) {
    progress(`${stallingCount(crowd.size, STALLED_CALLERS)} callers stop reading: ${STALLED_ROUNDS} rounds of the busy room with them reading, then stalled with full windows (${BUSY_SECONDS} s each)`);
    m.stalled = await stalledCallers(board, crowd, STALLED_CALLERS, BUSY_SECONDS);
  }
  if (has('slow-caller')) {
    progress('slow caller: 500 lines with everyone reading, with one caller stalled, and reading again');
    m.slowCaller = await slowCaller(board, crowd);
  }
  const peakServingKb = board.memory().peakKb;
  const serving = { fromUs, toUs: monotonicUs() };

  m.hangUps = [];
  if (has('hang-up')) Object.assign(m, await measureHangUps(board, crowd, Math.min(crowd.size, CYCLE_MAX), m.hangUps));
  const measured = { ...m, board: boardFigures(board, idle, peakServingKb), idle, sizes, hangUps: m.hangUps };
  return { measured, serving };
}

function boardFigures(board: BoardProcess, idle: SizeResults['step'], peakServingKb: number): Measured['board'] {
  return { startMs: board.startMs, idleRssKb: idle.rssKb, idleHeapKb: idle.heapKb ?? NaN, peakServingKb, peakKb: board.memory().peakKb, problems: board.problems() };
}

/** Prints what a run stopped early had measured, if anything. */
function publishSoFar(reason: string): void {
  if (!sofar?.measured.idle) return;
  const { board, measured: m, accounts, options } = sofar;
  sofar = undefined;
  // A board that has exited reads as 0 KiB.
  const figures = boardFigures(board, m.idle as SizeResults['step'], board.memory().peakKb);
  publish({
    environment: environment(),
    accounts,
    scenarios: [...options.scenarios],
    ...m,
    board: figures,
    idle: m.idle as SizeResults['step'],
    sizes: m.sizes ?? [],
    hangUps: m.hangUps ?? [],
    stopped: reason,
    totalMs: performance.now() - started,
  });
}

async function trafficAt(board: BoardProcess, crowd: Crowd, step: SizeResults['step'], options: Options): Promise<SizeResults> {
  const results: SizeResults = { step };
  if (options.scenarios.has('fan-out')) {
    progress(`fan-out to ${crowd.size}: ${FAN_OUT_ROUNDS} single lines, ${BURST_ROUNDS} bursts of ${BURST_SIZE}`);
    const fromUs = monotonicUs();
    const singles = await fanOutSingles(board, crowd.callers, FAN_OUT_ROUNDS);
    const bursts = await fanOutBursts(board, crowd.callers, BURST_ROUNDS, BURST_SIZE);
    fanOutWindows.set(crowd.size, { fromUs, toUs: monotonicUs() });
    results.fanOut = { singles, bursts, rounds: FAN_OUT_ROUNDS, burstRounds: BURST_ROUNDS, burstSize: BURST_SIZE };
  }
  if (options.scenarios.has('busy-room')) {
    progress(`busy room with ${crowd.size}: two senders, 5 lines a second each, ${BUSY_WARM_UP_SECONDS} s untimed, then ${BUSY_SECONDS} s`);
    await busyRoom(board, crowd.callers, BUSY_WARM_UP_SECONDS, 'warm');
    results.busyRoom = await busyRoom(board, crowd.callers, BUSY_SECONDS);
  }
  return results;
}

/** Heap snapshots of every board process (after full collections), summed by type; the files are deleted. */
async function heapTypes(board: BoardProcess): Promise<HeapTypes> {
  progress('heap snapshot');
  const files = await board.snapshots();
  try {
    return sumHeapTypes(files.map(readHeapTypes));
  } finally {
    for (const file of files) rmSync(file, { force: true });
    await delay(SETTLE_MS);
  }
}

/** Everyone hangs up; then CYCLES rounds of `cycle` new callers in and out, the first with some chat. */
async function measureHangUps(board: BoardProcess, crowd: Crowd, cycle: number, hangUps: Measured['hangUps']): Promise<Pick<Measured, 'scrollback'>> {
  progress(`everyone hangs up; then ${CYCLES} × (${cycle} call, all hang up), the first with ${SCROLLBACK_LINES} lines of chat`);
  hangUps.push(await hangUpAll(board, crowd));
  let scrollback;
  for (let i = 0; i < CYCLES; i++) {
    await crowd.grow(cycle);
    if (i === 0) scrollback = await scrollbackCost(board, crowd.callers, SCROLLBACK_LINES);
    hangUps.push(await hangUpAll(board, crowd));
  }
  return { scrollback };
}

function environment(): BenchResults['environment'] {
  const cpuModel = os.cpus()[0]?.model.trim() ?? '?';
  const platform = `${os.platform()} ${os.arch()}`;
  return { node: process.version, cpus: os.availableParallelism(), cpuModel, platform, load: os.loadavg()[0] ?? 0, sshCrypto: sshCryptoBinding() };
}

/**
 * Whether ssh2 loads its native cipher binding under this Node (the board runs on the same one).
 * Without it every packet is encrypted through a new node:crypto cipher object: about a third of
 * the board's CPU in a fan-out to 500. A binding built by `npm install` under another Node line
 * fails to load; `npm rebuild ssh2` under this one builds it.
 */
function sshCryptoBinding(): boolean {
  return (createRequire(import.meta.url)('ssh2/lib/protocol/crypto.js') as { bindingAvailable: boolean }).bindingAvailable;
}

function publish(results: BenchResults): void {
  process.stdout.write(`\n${renderReport(results)}\n`);
  const file = path.join(os.tmpdir(), `ssh-bbs-bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\nresults as JSON: ${file}\n`);
}

async function finish(code: number, message?: string): Promise<never> {
  if (message) process.stderr.write(`${message}\n`);
  if (message) publishSoFar(message.trim());
  await cleanup.run();
  process.exit(code);
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(130); // a second Ctrl-C: stop waiting for the cleanup
    interrupted = true;
    void finish(130, `\nbench: ${signal}, cleaning up`);
  });
}
// A failure outside the awaited chain (a timer reading a board that died) still cleans up.
process.on('uncaughtException', (err) => void finish(1, `bench failed: ${err.stack ?? err.message}`));
process.on('unhandledRejection', (err) => void finish(1, `bench failed: ${String(err)}`));
setTimeout(() => void finish(1, `bench: stopped after ${RUN_LIMIT_MS / 60_000} minutes`), RUN_LIMIT_MS).unref();

try {
  await main(parseOptions());
  await finish(0);
} catch (err) {
  await finish(1, `bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
}
