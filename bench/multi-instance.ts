/**
 * Fan-out across instances sharing Redis, against one instance. The same callers (real ssh2
 * clients on 127.0.0.1, Nagle off as OpenSSH sets it) are put first on one board process with the
 * room in memory, then spread round-robin over N board processes on one redis-server (started
 * here, on a socket in a temp folder). Each round one caller says a line and the clock runs until
 * every other caller's stream has it (the sender's own stream shows it as typed, so it is not
 * counted); senders rotate, so lines come from every instance. Measures latency (send → first and
 * → every screen), lines that some caller never got (delivery), and the boards' CPU per line.
 * Bounded: at most 200 callers, 200 rounds and 5 instances; everything is removed at the end.
 * `npm run bench` runs it as its `instances` scenario; `npm run bench:instances` runs it alone.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client, type ClientChannel } from 'ssh2';
import { loadHostKeys } from '../src/ssh/host-keys.js';
import { openDatabase } from '../src/store/db.js';
import { createPasswordHasher } from '../src/store/passwords.js';
import { SqliteUserStore } from '../src/store/users.js';
import { runBoardProcess, type BoardProcess } from '../test/helpers/process.js';
import type { Cleanup } from './cleanup.js';
import { startRedis, type TestRedis } from '../test/helpers/redis.js';

const PASSWORD = 'bench-password-123';
const ARRIVAL_TIMEOUT_MS = 10_000;
/** Between rounds: lets the screens settle so one round's frames do not carry the next. */
const ROUND_GAP_MS = 50;
export const INSTANCE_LIMITS = { callers: [2, 200], instances: [2, 5], rounds: [1, 200] } as const;

export interface InstancesOptions {
  callers: number;
  instances: number;
  rounds: number;
  progress(text: string): void;
  /** Where the run registers its undoing, for a bench stopped from outside (Ctrl-C, time limit). */
  cleanup: Cleanup;
}

/** One setup's figures, in ms (send → screens) and ms of board CPU per line. */
export interface FanOutRow {
  label: string;
  firstMedian: number;
  allMedian: number;
  allP95: number;
  allMax: number;
  /** Lines that some caller had not got within the arrival timeout. */
  missed: number;
  /** Deliveries made / deliveries due (every other caller, every line). */
  delivery: number;
  cpuMsPerLine: number;
}

export interface InstancesResults {
  callers: number;
  rounds: number;
  single: FanOutRow;
  shared: FanOutRow;
}

interface Caller {
  client: Client;
  stream: ClientChannel;
  /** The tail of what the stream delivered (enough to find a marker split across chunks). */
  tail: string;
  waiting?: { token: string; resolve: () => void };
}

/** What a run has started, undone the same way whether it finished or was stopped. */
interface Started {
  boards: BoardProcess[];
  callers: Caller[];
  redis?: TestRedis;
}

export async function compareInstances(options: InstancesOptions): Promise<InstancesResults> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'ssh-bbs-bench-instances-'));
  const started: Started = { boards: [], callers: [] };
  const undo = async () => {
    await hangUp(started);
    await started.redis?.close();
    rmSync(root, { recursive: true, force: true });
  };
  options.cleanup.add(undo);
  try {
    options.progress(`instances: preparing ${options.callers} accounts`);
    const env = await prepare(root, options.callers);
    const single = await measure(options, started, '1 instance, room in memory', env, 1);
    started.redis = await startRedis();
    const shared = await measure(options, started, `${options.instances} instances on Redis`, { ...env, BBS_REDIS_URL: started.redis.url }, options.instances);
    return { callers: options.callers, rounds: options.rounds, single, shared };
  } finally {
    await undo();
  }
}

async function hangUp(started: Started): Promise<void> {
  for (const caller of started.callers.splice(0)) caller.client.destroy();
  for (const board of started.boards.splice(0)) {
    if (board.child.exitCode === null && board.child.signalCode === null) board.child.kill('SIGTERM');
    await board.exited;
  }
}

export function renderInstances(results: InstancesResults): string {
  const head = `${'ms (send → screens)'.padEnd(28)} ${'first50'.padStart(8)} ${'all50'.padStart(8)} ${'all95'.padStart(8)} ${'allmax'.padStart(8)} ${'missed'.padStart(7)} ${'delivery'.padStart(9)} ${'cpu ms/ln'.padStart(10)}`;
  const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '-').padStart(8);
  const row = (r: FanOutRow) =>
    `${r.label.padEnd(28)} ${ms(r.firstMedian)} ${ms(r.allMedian)} ${ms(r.allP95)} ${ms(r.allMax)} ${String(r.missed).padStart(7)} ${r.delivery.toFixed(4).padStart(9)} ${r.cpuMsPerLine.toFixed(1).padStart(10)}`;
  return [
    `Fan-out across instances: ${results.callers} callers, ${results.rounds} lines (senders rotate over every caller; times to the other callers' streams)`,
    head,
    row(results.single),
    row(results.shared),
    `node ${process.version}, ${os.availableParallelism()} cpus; cpu = all board processes together`,
  ].join('\n');
}

async function prepare(root: string, callers: number): Promise<Record<string, string>> {
  const keysDir = path.join(root, 'keys');
  const dataDir = path.join(root, 'data');
  loadHostKeys(keysDir, { generate: true });
  const limit = callers + 20;
  const config = `connection:\n  max_nodes: ${limit}\n  max_connections: ${limit * 2}\n  max_per_ip: ${limit * 2}\n  max_unauthenticated: 64\nchat:\n  capacity: ${limit}\n  flood_burst: 100\n  flood_per_second: 100\n`;
  writeFileSync(path.join(root, 'config.yaml'), config);
  const db = openDatabase(dataDir);
  const users = new SqliteUserStore(db, createPasswordHasher({ maxConcurrent: 2 }));
  for (let i = 0; i < callers; i++) await users.create({ handle: handleOf(i), password: PASSWORD });
  db.close();
  return { BBS_CONFIG: path.join(root, 'config.yaml'), BBS_HOST: '127.0.0.1', BBS_PORT: '0', BBS_WORKERS: '1', BBS_DATA_DIR: dataDir, BBS_KEYS_DIR: keysDir };
}

const handleOf = (i: number) => `bench${String(i).padStart(3, '0')}`;

async function measure(options: InstancesOptions, started: Started, label: string, env: Record<string, string>, count: number): Promise<FanOutRow> {
  const { boards, callers } = started;
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const board = runBoardProcess(env);
      boards.push(board);
      const listening = await board.waitForLog((l) => typeof l.port === 'number' && String(l.msg).startsWith('listening'));
      ports.push(listening.port as number);
    }
    for (let i = 0; i < options.callers; i++) callers.push(await call(ports[i % ports.length]!, handleOf(i)));
    options.progress(`instances: ${label}, ${options.callers} callers in; ${options.rounds} rounds`);
    return await fanOut(label, boards, callers, options.rounds);
  } finally {
    await hangUp(started);
  }
}

function arrived(caller: Caller, token: string): Promise<void> {
  if (caller.tail.includes(token)) return Promise.resolve();
  return new Promise((resolve) => (caller.waiting = { token, resolve }));
}

async function call(port: number, handle: string): Promise<Caller> {
  const client = new Client();
  await new Promise<void>((resolve, reject) => {
    client.once('ready', resolve).once('error', reject);
    client.connect({ host: '127.0.0.1', port, username: handle, password: PASSWORD, readyTimeout: 30_000, hostVerifier: () => true });
  });
  client.on('error', () => undefined);
  // OpenSSH turns Nagle off for an interactive session; without it a typed line waits for an ACK.
  client.setNoDelay(true);
  const stream = await new Promise<ClientChannel>((resolve, reject) => client.shell({ cols: 80, rows: 24, term: 'xterm-256color' }, (err, s) => (err ? reject(err) : resolve(s))));
  const caller: Caller = { client, stream, tail: '' };
  stream.on('data', (data: Buffer) => {
    caller.tail = (caller.tail + data.toString('latin1')).slice(-4096);
    if (caller.waiting && caller.tail.includes(caller.waiting.token)) {
      const { resolve } = caller.waiting;
      caller.waiting = undefined;
      resolve();
    }
  });
  await arrived(caller, `${handle} has joined`);
  return caller;
}

/** CPU time (user + system) of the board processes, in ms, from /proc. */
function boardsCpuMs(boards: BoardProcess[]): number {
  let ticks = 0;
  for (const board of boards) {
    try {
      const stat = readFileSync(`/proc/${board.child.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // a board that exited counts nothing more
    }
  }
  return ticks * 10;
}

async function fanOut(label: string, boards: BoardProcess[], callers: Caller[], rounds: number): Promise<FanOutRow> {
  const firsts: number[] = [];
  const lasts: number[] = [];
  let missed = 0;
  let delivered = 0;
  const cpuBefore = boardsCpuMs(boards);
  // Tokens of this setup only: the setups share a database, so callers entering the second see the
  // first one's lines in the room's history, and an old token would count as arrived at once.
  const run = randomBytes(3).toString('hex');
  for (let r = 1; r <= rounds; r++) {
    const token = `fo${run}x${r}z`;
    const sender = callers[(r - 1) % callers.length]!;
    const sent = performance.now();
    let first = Infinity;
    const waits = callers
      .filter((c) => c !== sender)
      .map((c) =>
        arrived(c, token).then(() => {
          delivered += 1;
          first = Math.min(first, performance.now() - sent);
        }),
      );
    sender.stream.write(`${token}\r`);
    const all = await Promise.race([Promise.all(waits).then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ARRIVAL_TIMEOUT_MS))]);
    if (!all) missed += 1;
    else lasts.push(performance.now() - sent);
    firsts.push(first);
    for (const c of callers) c.waiting = undefined;
    await new Promise((resolve) => setTimeout(resolve, ROUND_GAP_MS));
  }
  const cpuMsPerLine = (boardsCpuMs(boards) - cpuBefore) / rounds;
  const pct = (list: number[], p: number) => {
    const sorted = [...list].sort((a, b) => a - b);
    return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! : NaN;
  };
  const due = rounds * (callers.length - 1);
  return { label, firstMedian: pct(firsts, 0.5), allMedian: pct(lasts, 0.5), allP95: pct(lasts, 0.95), allMax: pct(lasts, 1), missed, delivery: delivered / due, cpuMsPerLine };
}

/** Callers and lines of the `instances` scenario of `npm run bench`: bounded to a minute or two. */
const SCENARIO_CALLERS = 100;
const SCENARIO_ROUNDS = 20;

/** The `instances` scenario of `npm run bench`: as many callers as the largest crowd, up to 100. */
export async function instancesScenario(largest: number, instances: number, progress: (text: string) => void, cleanup: Cleanup): Promise<string> {
  const callers = Math.max(INSTANCE_LIMITS.callers[0], Math.min(largest, SCENARIO_CALLERS));
  progress(`instances: ${callers} callers on 1 instance, then over ${instances} instances on Redis; ${SCENARIO_ROUNDS} lines each`);
  return renderInstances(await compareInstances({ callers, instances, rounds: SCENARIO_ROUNDS, progress, cleanup }));
}
