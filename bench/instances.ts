/**
 * npm run bench:instances — fan-out across instances sharing Redis, against one instance. The same
 * callers (real ssh2 clients on 127.0.0.1) are put first on one board process with the room in
 * memory, then spread round-robin over N board processes on one redis-server (started here, on a
 * socket in a temp folder). Each round one caller says a line and the clock runs until every
 * other caller's stream has it (the sender's own stream shows it as typed, so it is not counted);
 * senders rotate, so lines come from every instance. Prints latency (send
 * → first and → every screen), lines that some caller never got, and the boards' CPU per line.
 * Bounded: at most 200 callers, 200 rounds, a 5-minute limit; everything is removed at the end.
 *
 *   npm run bench:instances [-- --callers 60 --instances 3 --rounds 40]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Client, type ClientChannel } from 'ssh2';
import { loadHostKeys } from '../src/ssh/host-keys.js';
import { openDatabase } from '../src/store/db.js';
import { createPasswordHasher } from '../src/store/passwords.js';
import { SqliteUserStore } from '../src/store/users.js';
import { runBoardProcess, type BoardProcess } from '../test/helpers/process.js';
import { startRedis, type TestRedis } from '../test/helpers/redis.js';

const PASSWORD = 'bench-password-123';
const ARRIVAL_TIMEOUT_MS = 10_000;
const RUN_LIMIT_MS = 5 * 60_000;
/** Between rounds: lets the screens settle so one round's frames do not carry the next. */
const ROUND_GAP_MS = 50;

interface Caller {
  handle: string;
  client: Client;
  stream: ClientChannel;
  /** The tail of what the stream delivered (enough to find a marker split across chunks). */
  tail: string;
  waiting?: { token: string; resolve: () => void };
}

const { values } = parseArgs({ options: { callers: { type: 'string', default: '60' }, instances: { type: 'string', default: '3' }, rounds: { type: 'string', default: '40' } } });
const callerCount = bounded('callers', values.callers, 2, 200);
const instanceCount = bounded('instances', values.instances, 2, 5);
const rounds = bounded('rounds', values.rounds, 1, 200);

function bounded(name: string, value: string | undefined, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be a whole number from ${min} to ${max}`);
  return n;
}

const root = mkdtempSync(path.join(os.tmpdir(), 'ssh-bbs-bench-instances-'));
const boards: BoardProcess[] = [];
const callers: Caller[] = [];
let redis: TestRedis | undefined;

async function cleanup(): Promise<void> {
  for (const caller of callers.splice(0)) caller.client.destroy();
  for (const board of boards.splice(0)) {
    if (board.child.exitCode === null && board.child.signalCode === null) board.child.kill('SIGTERM');
    await board.exited;
  }
  await redis?.close();
  rmSync(root, { recursive: true, force: true });
}

async function prepare(): Promise<Record<string, string>> {
  const keysDir = path.join(root, 'keys');
  const dataDir = path.join(root, 'data');
  loadHostKeys(keysDir, { generate: true });
  const limit = callerCount + 20;
  const config = `connection:\n  max_nodes: ${limit}\n  max_connections: ${limit * 2}\n  max_per_ip: ${limit * 2}\n  max_unauthenticated: 64\nchat:\n  capacity: ${limit}\n  flood_burst: 100\n  flood_per_second: 100\n`;
  writeFileSync(path.join(root, 'config.yaml'), config);
  const db = openDatabase(dataDir);
  const users = new SqliteUserStore(db, createPasswordHasher({ maxConcurrent: 2 }));
  for (let i = 0; i < callerCount; i++) await users.create({ handle: `bench${String(i).padStart(3, '0')}`, password: PASSWORD });
  db.close();
  return { BBS_CONFIG: path.join(root, 'config.yaml'), BBS_HOST: '127.0.0.1', BBS_PORT: '0', BBS_WORKERS: '1', BBS_DATA_DIR: dataDir, BBS_KEYS_DIR: keysDir };
}

async function startBoards(env: Record<string, string>, count: number): Promise<number[]> {
  const ports: number[] = [];
  for (let i = 0; i < count; i++) {
    const board = runBoardProcess(env);
    boards.push(board);
    const listening = await board.waitForLog((l) => typeof l.port === 'number' && String(l.msg).startsWith('listening'));
    ports.push(listening.port as number);
  }
  return ports;
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
  const stream = await new Promise<ClientChannel>((resolve, reject) => client.shell({ cols: 80, rows: 24, term: 'xterm-256color' }, (err, s) => (err ? reject(err) : resolve(s))));
  const caller: Caller = { handle, client, stream, tail: '' };
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
function boardsCpuMs(): number {
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

async function fanOut(label: string): Promise<string> {
  const firsts: number[] = [];
  const lasts: number[] = [];
  let missed = 0;
  const cpuBefore = boardsCpuMs();
  for (let r = 1; r <= rounds; r++) {
    const token = `fo${r}z`;
    const sender = callers[(r - 1) % callers.length]!;
    const sent = performance.now();
    let first = Infinity;
    const waits = callers.filter((c) => c !== sender).map((c) => arrived(c, token).then(() => (first = Math.min(first, performance.now() - sent))));
    sender.stream.write(`${token}\r`);
    const all = await Promise.race([Promise.all(waits).then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ARRIVAL_TIMEOUT_MS))]);
    if (!all) missed += 1;
    else lasts.push(performance.now() - sent);
    firsts.push(first);
    for (const c of callers) c.waiting = undefined;
    await new Promise((resolve) => setTimeout(resolve, ROUND_GAP_MS));
  }
  const cpuPerLine = (boardsCpuMs() - cpuBefore) / rounds;
  const pct = (list: number[], p: number) => {
    const sorted = [...list].sort((a, b) => a - b);
    return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!.toFixed(1) : '-';
  };
  return `${label.padEnd(28)} ${pct(firsts, 0.5).padStart(8)} ${pct(lasts, 0.5).padStart(8)} ${pct(lasts, 0.95).padStart(8)} ${pct(lasts, 1).padStart(8)} ${String(missed).padStart(7)} ${cpuPerLine.toFixed(1).padStart(10)}`;
}

async function measure(label: string, env: Record<string, string>, count: number): Promise<string> {
  const ports = await startBoards(env, count);
  for (let i = 0; i < callerCount; i++) callers.push(await call(ports[i % ports.length]!, `bench${String(i).padStart(3, '0')}`));
  process.stderr.write(`${label}: ${callerCount} callers in; ${rounds} rounds\n`);
  const row = await fanOut(label);
  for (const caller of callers.splice(0)) caller.client.end();
  for (const board of boards.splice(0)) {
    board.child.kill('SIGTERM');
    await board.exited;
  }
  return row;
}

async function main(): Promise<void> {
  setTimeout(() => void cleanup().then(() => process.exit(1)), RUN_LIMIT_MS).unref();
  process.stderr.write(`preparing ${callerCount} accounts\n`);
  const env = await prepare();
  const single = await measure('1 instance, room in memory', env, 1);
  redis = await startRedis();
  const shared = await measure(`${instanceCount} instances on Redis`, { ...env, BBS_REDIS_URL: redis.url }, instanceCount);
  const header = `${'ms (send → screens)'.padEnd(28)} ${'first50'.padStart(8)} ${'all50'.padStart(8)} ${'all95'.padStart(8)} ${'allmax'.padStart(8)} ${'missed'.padStart(7)} ${'cpu ms/ln'.padStart(10)}`;
  process.stdout.write(`\nfan-out, ${callerCount} callers, ${rounds} lines (senders rotate over every caller; times to the other callers' streams)\n${header}\n${single}\n${shared}\n`);
  process.stdout.write(`node ${process.version}, ${os.availableParallelism()} cpus; cpu = all board processes together\n`);
}

try {
  await main();
  await cleanup();
} catch (err) {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  await cleanup();
  process.exit(1);
}
