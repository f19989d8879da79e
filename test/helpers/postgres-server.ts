/**
 * A real PostgreSQL server for the tests: initdb into a temp folder, then the postmaster on
 * 127.0.0.1 and a unix socket in that folder, with trust authentication (initdb's pg_hba.conf
 * trusts only local sockets and the loopback addresses). PostgreSQL refuses to run as root, so
 * when the tests run as root the folder is handed to the `postgres` user and every command runs
 * as that user. Durability is switched off: a test server's data is thrown away.
 *
 * PostgreSQL cannot listen on port 0, so a port is drawn at random and the start is tried again on
 * another one when that one is taken (no probe socket that another process could race).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

export interface PostgresServer {
  /** postgres://postgres@127.0.0.1:<port>/postgres: the superuser on the maintenance database. */
  url: string;
  dataDir: string;
  port: number;
}

const START_TRIES = 5;

/** The folder holding initdb, pg_ctl and postgres; undefined when PostgreSQL is not installed. */
export function findPostgresBin(): string | undefined {
  const fromPath = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  const candidates: string[] = [];
  if (fromPath.status === 0) candidates.push(fromPath.stdout.trim());
  // Debian keeps the server binaries out of PATH, one folder per major version: take the newest.
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => path.join(debian, v, 'bin')));
  }
  return candidates.find((dir) => existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'pg_ctl')));
}

export const MISSING_POSTGRES =
  'PostgreSQL is not installed: no initdb under /usr/lib/postgresql/*/bin or pg_config --bindir. ' +
  'Install it (Debian: apt-get install postgresql) or point BBS_TEST_DATABASE_URL at a server whose user may create databases.';

/** Runs one of PostgreSQL's programs, as the postgres user when we are root. */
function run(tool: string, args: string[], cwd: string) {
  const bin = findPostgresBin();
  if (!bin) throw new Error(MISSING_POSTGRES);
  const program = path.join(bin, tool);
  const [command, argv] = process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', program, ...args]] : [program, args];
  return spawnSync(command, argv, { encoding: 'utf8', cwd });
}

/** initdb and start a server in a new folder under `parent`. Throws with the server's log when it cannot. */
export function startPostgresServer(parent: string): PostgresServer {
  if (!findPostgresBin()) throw new Error(MISSING_POSTGRES);
  const dir = mkdtempSync(path.join(parent, 'pg-'));
  if (process.getuid?.() === 0) {
    // The server's own folder is the postgres user's, who must be let through the parent to reach it.
    chmodSync(parent, 0o711);
    chownSync(dir, ...postgresIds());
  }
  const dataDir = path.join(dir, 'data');
  const init = run('initdb', ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync'], dir);
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  for (let attempt = 0; attempt < START_TRIES; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 40_000);
    const server = { url: `postgres://postgres@127.0.0.1:${port}/postgres`, dataDir, port };
    const problem = tryStart(server);
    if (!problem) return server;
    if (!/could not bind|Address already in use/i.test(problem)) throw new Error(`PostgreSQL did not start: ${problem}`);
  }
  throw new Error(`PostgreSQL found no free port in ${START_TRIES} tries`);
}

/** Stops the server (its data kept) as a sysop's restart or an outage would. */
export function pausePostgresServer(server: PostgresServer): void {
  const stop = run('pg_ctl', ['stop', '-D', server.dataDir, '-m', 'fast', '-w'], path.dirname(server.dataDir));
  if (stop.status !== 0) throw new Error(`PostgreSQL did not stop: ${stop.stderr || stop.stdout}`);
}

/** Starts a paused server again on its port. */
export function resumePostgresServer(server: PostgresServer): void {
  const problem = tryStart(server);
  if (problem) throw new Error(`PostgreSQL did not start again: ${problem}`);
}

/** Stop the server at once (its data is thrown away) and remove its folder. Safe to call twice. */
export function stopPostgresServer(server: Pick<PostgresServer, 'dataDir'>): void {
  if (findPostgresBin() && existsSync(path.join(server.dataDir, 'postmaster.pid'))) {
    run('pg_ctl', ['stop', '-D', server.dataDir, '-m', 'immediate', '-w'], path.dirname(server.dataDir));
  }
  rmSync(path.dirname(server.dataDir), { recursive: true, force: true });
}

/** pg_ctl start on the server's port; undefined when it started, else what went wrong (with the log). */
function tryStart(server: PostgresServer): string | undefined {
  const dir = path.dirname(server.dataDir);
  const logFile = path.join(dir, 'server.log');
  const options = [
    `-p ${server.port}`,
    '-c listen_addresses=127.0.0.1',
    `-c unix_socket_directories=${dir}`,
    '-c fsync=off -c synchronous_commit=off -c full_page_writes=off',
    '-c max_connections=300',
  ].join(' ');
  const start = run('pg_ctl', ['start', '-D', server.dataDir, '-l', logFile, '-w', '-t', '30', '-o', options], dir);
  if (start.status === 0) return undefined;
  return `${start.stderr || start.stdout}\n${existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''}`;
}

function postgresIds(): [number, number] {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return [uid, gid];
  } catch {
    throw new Error('The tests run as root, and PostgreSQL will not: they need a postgres user to run it as (the Debian package makes one).');
  }
}
