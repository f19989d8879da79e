/**
 * `bbs doctor`: what a sysop gets wrong, one line per check — the config, the host keys (present,
 * readable, private), the database (there, readable, intact, a schema this version knows; or the
 * PostgreSQL server answering, ./store/postgres/doctor-check.ts), the
 * port (free, or the board answering on it), Redis when the room is shared (./redis/doctor-check.ts)
 * and the Node.js version. It changes nothing: the
 * database is opened read-only and the port is only tried. Exit status 1 when any check fails.
 */
import { readFileSync, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { CliIo } from './cli.js';
import { chooseDatabase } from './cli-database.js';
import { hostKeyFiles } from './cli-host-keys.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { runtimeProblem } from './runtime.js';
import { loadHostKeys } from './ssh/host-keys.js';
import { describeKey } from './keys/openssh.js';
import { describeVersion, inspectDatabase } from './store/inspect.js';

type Status = 'ok' | 'warn' | 'FAIL';
interface Check {
  status: Status;
  name: string;
  detail: string;
}

const PORT_TIMEOUT_MS = 3000;

export async function runDoctor(io: CliIo): Promise<number> {
  const checks: Check[] = [];
  const report = (check: Check) => {
    checks.push(check);
    io.stdout.write(`${check.status.padEnd(4)}  ${check.name.padEnd(8)}  ${check.detail}\n`);
  };
  const config = checkConfig(io, report);
  if (config) {
    report(checkHostKeys(config.server.keys_dir));
    if (config.store.postgres) {
      const { checkPostgres } = await import('./store/postgres/doctor-check.js');
      const postgres = await checkPostgres(config.store.postgres);
      report(check(postgres.status, 'database', postgres.detail));
    } else {
      report(checkDatabase(config, io));
    }
    report(await checkPort(config.server.host, config.server.port));
    if (config.room.redis) {
      const { checkRedis } = await import('./redis/doctor-check.js');
      const redis = await checkRedis(config.room.redis, readableHostKeys(config.server.keys_dir));
      report(check(redis.status, 'redis', redis.detail));
    }
  }
  const problem = runtimeProblem(process.version);
  report(problem ? check('FAIL', 'node', problem) : check('ok', 'node', `Node.js ${process.version}`));
  return checks.some((c) => c.status === 'FAIL') ? 1 : 0;
}

const check = (status: Status, name: string, detail: string): Check => ({ status, name, detail });

function checkConfig(io: CliIo, report: (c: Check) => void): Readonly<Config> | undefined {
  const file = path.resolve(io.cwd, io.env.BBS_CONFIG ?? 'config.yaml');
  try {
    const config = loadConfig({ env: io.env, cwd: io.cwd });
    const source = statSync(file, { throwIfNoEntry: false }) ? file : 'no config.yaml: defaults';
    report(check('ok', 'config', `valid (${source})`));
    return config;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    // One line: the source, then each problem's first line (a YAML error's caret picture is left out).
    const problems = err.problems.map((p) => p.split('\n')[0]).join('; ');
    report(check('FAIL', 'config', `${err.message.split('\n')[0]} ${problems}`));
    return undefined;
  }
}

function checkHostKeys(dir: string): Check {
  const files = hostKeyFiles(dir);
  if (files.length === 0) return check('warn', 'keys', `none in ${dir} yet: the board makes them on its first start`);
  const problems: string[] = [];
  for (const file of files) {
    const full = path.join(dir, file);
    try {
      if ((statSync(full).mode & 0o077) !== 0) problems.push(`${file} is readable by others (chmod 600 ${full})`);
      if (!describeKey(readFileSync(full))) problems.push(`${file} cannot be read as a key`);
    } catch (err) {
      problems.push(`${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  }
  if (problems.length > 0) return check('FAIL', 'keys', problems.join('; '));
  return check('ok', 'keys', `${files.length} private host keys in ${dir}`);
}

/** The host keys that can be read (the keys check has already said what is wrong with the others). */
function readableHostKeys(dir: string) {
  try {
    return loadHostKeys(dir, { generate: false }).keys;
  } catch {
    return [];
  }
}

function checkDatabase(config: Readonly<Config>, io: CliIo): Check {
  const { file, source } = chooseDatabase(config, io.env, io.cwd);
  const stat = statSync(file, { throwIfNoEntry: false });
  if (!stat) return check('warn', 'database', `none at ${file} (${source}): the board makes it on its first start`);
  try {
    const health = inspectDatabase(file);
    if (health.check !== 'ok') return check('FAIL', 'database', `${file} is damaged: ${health.check}. Restore a backup.`);
    const version = describeVersion(health.version);
    const open = (stat.mode & 0o077) !== 0 ? `; it is readable by others (chmod 600 ${file})` : '';
    if (version || open) return check(version?.includes('newer') ? 'FAIL' : 'warn', 'database', `${file}: ${version ?? 'intact'}${open}`);
    return check('ok', 'database', `${file} is readable and intact (${source})`);
  } catch (err) {
    return check('FAIL', 'database', `${file} cannot be read: ${(err as Error).message}`);
  }
}

/** Free (we could listen), the board (it greets with our SSH ident), or something else. */
async function checkPort(host: string, port: number): Promise<Check> {
  const where = `${host}:${port}`;
  const bindError = await tryListen(host, port);
  if (!bindError) return check('ok', 'port', `${where} is free for the board`);
  if (bindError !== 'EADDRINUSE') return check('FAIL', 'port', `cannot listen on ${where}: ${bindError}`);
  const target = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const greeting = await readGreeting(target, port);
  if (greeting.startsWith('SSH-2.0-ssh-bbs')) return check('ok', 'port', `the board answers on ${where}`);
  return check('FAIL', 'port', `${where} is taken by another program (${greeting ? JSON.stringify(greeting.slice(0, 40)) : 'it said nothing'})`);
}

function tryListen(host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

function readGreeting(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (text: string) => {
      socket.destroy();
      resolve(text.split('\r\n')[0] ?? '');
    };
    socket.setTimeout(PORT_TIMEOUT_MS, () => done(''));
    socket.once('error', () => done(''));
    socket.once('data', (data) => done(data.toString('latin1')));
  });
}
