/**
 * npm run bench — starts the real board as a child process on 127.0.0.1 and measures, with real
 * SSH callers: logins (password vs key), sessions held and memory per session, fan-out latency,
 * what a caller who stops reading costs the others, what chat costs in memory, and whether
 * hanging up gives everything back. It only measures and prints (progress on stderr, the report
 * on stdout); the results also go to a JSON file in the OS temp folder, never into the repository.
 *
 *   npm run bench [-- --sessions 200] [-- --profile]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { startBoardProcess, type BoardProcess } from './board-process.js';
import { Cleanup } from './cleanup.js';
import { Crowd } from './crowd.js';
import { findProfile, monotonicUs, summarizeProfile, type ProfileWindow } from './profile.js';
import { renderReport, type BenchResults } from './report.js';
import { fanOutBursts, fanOutSingles } from './scenarios/fan-out.js';
import { hangUpAll } from './scenarios/hang-up.js';
import { timeLogins } from './scenarios/logins.js';
import { scrollbackCost } from './scenarios/scrollback.js';
import { holdSessions } from './scenarios/sessions.js';
import { slowCaller } from './scenarios/slow-caller.js';
import { delay, SETTLE_MS } from './timing.js';
import { createWorkspace } from './workspace.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const STEPS = [25, 50, 100, 200];
const LOGINS_EACH = 5;
const FAN_OUT_ROUNDS = 30;
const BURST_ROUNDS = 5;
const BURST_SIZE = 20;
/** Callers in each of the two connect-and-hang-up cycles that show whether memory comes back. */
const CYCLE_MAX = 100;
const CYCLES = 2;
const SCROLLBACK_LINES = 100;
/** Past this the run is stopped and cleaned up: a bench must not run away on a shared machine. */
const RUN_LIMIT_MS = 6 * 60_000;

interface Options {
  sessions: number;
  profile: boolean;
}

interface Plan {
  steps: number[];
  cycle: number;
  accounts: number;
}

type Measured = Omit<BenchResults, 'environment' | 'accounts' | 'totalMs'>;

const cleanup = new Cleanup();
const started = performance.now();

function parseOptions(): Options {
  const { values } = parseArgs({
    options: { sessions: { type: 'string', default: '200' }, profile: { type: 'boolean', default: false } },
  });
  const sessions = Number(values.sessions);
  if (!Number.isInteger(sessions) || sessions < 2 || sessions > 900) throw new Error('--sessions must be a whole number from 2 to 900');
  return { sessions, profile: values.profile ?? false };
}

function planFor(options: Options): Plan {
  const cycle = Math.min(options.sessions, CYCLE_MAX);
  // Every login takes a fresh account (a second login to one account replaces the first): the
  // sessions, the cycles, the timed logins, the stalled caller, and one caller after each hang-up.
  const accounts = options.sessions + CYCLES * cycle + 2 * LOGINS_EACH + 1 + (1 + CYCLES);
  return { steps: [...STEPS.filter((n) => n < options.sessions), options.sessions], cycle, accounts };
}

function progress(text: string): void {
  process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s] ${text}\n`);
}

async function main(options: Options): Promise<void> {
  const plan = planFor(options);
  progress(`creating ${plan.accounts} accounts and host keys`);
  const workspace = await createWorkspace({ accounts: plan.accounts, sessions: options.sessions });
  cleanup.add(() => workspace.remove());
  const profileDir = options.profile ? mkdtempSync(path.join(os.tmpdir(), 'ssh-bbs-bench-profile-')) : undefined;
  let keepProfile = false;
  if (profileDir) cleanup.add(() => keepProfile || rmSync(profileDir, { recursive: true, force: true }));

  progress('starting the board');
  const board = await startBoardProcess(workspace, { profileDir });
  cleanup.add(() => board.stop());
  const crowd = new Crowd(board.port, workspace.accounts);
  cleanup.add(() => crowd.hangUp());
  const { measured, serving } = await measure(board, crowd, plan);
  progress('stopping the board');
  await board.stop(); // the profile is written as the board exits

  publish({ environment: environment(), accounts: plan.accounts, ...measured, totalMs: performance.now() - started });
  const profile = profileDir && findProfile(profileDir);
  if (profile) process.stdout.write(`\n${summarizeProfile(profile, ROOT, serving)}\n`);
  keepProfile = true;
}

/** Everything, in order; `serving` spans the phases with callers (not the heap snapshots after). */
async function measure(board: BoardProcess, crowd: Crowd, plan: Plan): Promise<{ measured: Measured; serving: ProfileWindow }> {
  await delay(SETTLE_MS);
  const idleRssKb = board.memory().rssKb;
  // Not collected: a heap snapshot (the way to force a collection) leaves RSS inflated, so
  // collected figures wait until the end, after every RSS figure that matters.
  const idleHeapKb = (await board.heap()).usedKb;

  const fromUs = monotonicUs();
  progress(`logins: ${LOGINS_EACH} by password, ${LOGINS_EACH} by key`);
  const password = await timeLogins(board.port, crowd, LOGINS_EACH, 'password');
  const publickey = await timeLogins(board.port, crowd, LOGINS_EACH, 'publickey');

  progress(`sessions held: ${plan.steps.join(' → ')}`);
  const steps = await holdSessions(board, crowd, plan.steps);

  const fanOut = await measureFanOut(board, crowd);

  progress('slow caller: 500 lines with everyone reading, with one caller stalled, and reading again');
  const slow = await slowCaller(board, crowd);
  const peakServingKb = board.memory().peakKb;
  const serving = { fromUs, toUs: monotonicUs() };

  const { hangUps, scrollback } = await measureHangUps(board, crowd, plan.cycle);
  const figures = { startMs: board.startMs, idleRssKb, idleHeapKb, peakServingKb, peakKb: board.memory().peakKb, problems: board.problems() };
  const logins = { password, publickey, count: LOGINS_EACH };
  return { measured: { board: figures, logins, steps, fanOut, slowCaller: slow, hangUps, scrollback }, serving };
}

async function measureFanOut(board: BoardProcess, crowd: Crowd): Promise<Measured['fanOut']> {
  progress(`fan-out to ${crowd.size}: ${FAN_OUT_ROUNDS} single lines, ${BURST_ROUNDS} bursts of ${BURST_SIZE}`);
  const singles = await fanOutSingles(board, crowd.callers, FAN_OUT_ROUNDS);
  const bursts = await fanOutBursts(board, crowd.callers, BURST_ROUNDS, BURST_SIZE);
  return { sessions: crowd.size, singles, bursts, rounds: FAN_OUT_ROUNDS, burstRounds: BURST_ROUNDS, burstSize: BURST_SIZE };
}

/** Everyone hangs up; then CYCLES rounds of `cycle` new callers in and out, the first with some chat. */
async function measureHangUps(board: BoardProcess, crowd: Crowd, cycle: number): Promise<Pick<Measured, 'hangUps' | 'scrollback'>> {
  progress(`everyone hangs up; then ${CYCLES} × (${cycle} call, all hang up), the first with ${SCROLLBACK_LINES} lines of chat`);
  const hangUps = [await hangUpAll(board, crowd)];
  let scrollback;
  for (let i = 0; i < CYCLES; i++) {
    await crowd.grow(cycle);
    if (i === 0) scrollback = await scrollbackCost(board, crowd.callers, SCROLLBACK_LINES);
    hangUps.push(await hangUpAll(board, crowd));
  }
  return { hangUps, scrollback };
}

function environment(): BenchResults['environment'] {
  const cpuModel = os.cpus()[0]?.model.trim() ?? '?';
  return { node: process.version, cpus: os.availableParallelism(), cpuModel, platform: `${os.platform()} ${os.arch()}` };
}

function publish(results: BenchResults): void {
  process.stdout.write(`\n${renderReport(results)}\n`);
  const file = path.join(os.tmpdir(), `ssh-bbs-bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\nresults as JSON: ${file}\n`);
}

async function finish(code: number, message?: string): Promise<never> {
  if (message) process.stderr.write(`${message}\n`);
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
