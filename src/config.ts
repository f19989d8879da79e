/**
 * config.yaml → a validated, frozen Config. Order: embedded defaults → the file → BBS_* environment
 * variables → validate (every problem at once, each naming its key) → freeze. Nothing else in the
 * board reads the environment or the file.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { isValidHandle } from './chat/text.js';
import { redactUrl } from './redact-url.js';

/** `host:port` (`[v6]:port` for IPv6), e.g. 127.0.0.1:9464. */
const LISTEN = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:[\]]+)):(\d{1,5})$/;
const listen = z.string().refine((v) => LISTEN.test(v) && Number(v.split(':').pop()) <= 65535, 'must be host:port, e.g. 127.0.0.1:9464');

/** postgres://[user:pass@]host[:port]/database[?sslmode=…], or postgresql://. */
const POSTGRES_URL = /^postgres(?:ql)?:\/\/[^\s]+$/;

/** redis://[user:pass@]host:port/db, rediss:// for TLS, or the absolute path of a unix socket. */
const REDIS_URL = /^(?:rediss?:\/\/[^\s]+|\/[^\s]+)$/;

const handle = z.string().refine(isValidHandle, 'must be 2-16 letters, digits, "_" or "-"');
const int = (min: number, max: number) => z.number().int().min(min).max(max);

const schema = z.strictObject({
  server: z
    .strictObject({
      host: z.string().min(1).default('0.0.0.0'),
      port: int(0, 65535).default(2222),
      keys_dir: z.string().min(1).default('keys'),
      data_dir: z.string().min(1).default('data'),
      workers: z.union([z.literal('auto'), int(1, 64)], { error: 'must be "auto" or a whole number from 1 to 64' }).default('auto'),
      algorithms: z.enum(['compatible', 'modern']).default('compatible'),
      /** Behind a TCP load balancer that sends the PROXY protocol (v1): every connection must start with it. */
      proxy_protocol: z.boolean().default(false),
    })
    .prefault({}),
  connection: z
    .strictObject({
      max_nodes: int(1, 10000).default(16),
      max_connections: int(1, 10000).default(128),
      max_per_ip: int(1, 1000).default(8),
      max_unauthenticated: int(1, 1000).default(16),
      max_unauthenticated_per_ip: int(1, 1000).default(3),
      version_seconds: int(1, 60).default(5),
      max_registering: int(1, 1000).default(4),
      max_registering_per_ip: int(1, 100).default(1),
      login_grace_seconds: int(5, 600).default(30),
      registration_minutes: int(1, 60).default(5),
      keepalive_seconds: int(0, 3600).default(30),
      idle_minutes: z.number().min(0).max(1440).default(30),
    })
    .prefault({}),
  auth: z
    .strictObject({
      max_login_attempts: int(1, 100).default(5),
      lockout_minutes: int(1, 1440).default(15),
      sysop_handles: z.array(handle).default(['SysOp']),
      max_concurrent_hashes: int(1, 64).default(4),
      max_waiting_hashes: int(0, 10000).default(32),
      registrations_per_hour: int(0, 1000).default(3),
    })
    .prefault({}),
  chat: z
    .strictObject({
      capacity: int(1, 10000).default(32),
      history: int(0, 1000).default(50),
      max_message_length: int(1, 4000).default(500),
      flood_burst: int(1, 100).default(5),
      flood_per_second: z.number().positive().max(100).default(1),
      max_paste_lines: int(1, 200).default(20),
      flood_queue: int(1, 1000).default(20),
      page_cooldown_seconds: int(0, 3600).default(30),
      waiting_per_sender: int(0, 1000).default(5),
      waiting_per_recipient: int(0, 10000).default(50),
      flood_mute_minutes: int(1, 1440).default(2),
    })
    .prefault({}),
  room: z
    .strictObject({
      // Off by default: one machine with the in-machine room. Set, several instances are one board.
      redis: z.string().regex(REDIS_URL, 'must be a redis:// or rediss:// URL, or the absolute path of a unix socket').optional(),
      heartbeat_seconds: int(1, 60).default(5),
    })
    .prefault({}),
  store: z
    .strictObject({
      // Off by default: SQLite in the data folder. Set, accounts and history live on that server.
      postgres: z.string().regex(POSTGRES_URL, 'must be a postgres:// or postgresql:// URL').optional(),
      pool_size: int(1, 200).default(10),
      connect_timeout_seconds: int(1, 300).default(5),
      statement_timeout_seconds: int(1, 3600).default(15),
    })
    .prefault({}),
  bbs: z
    .strictObject({
      name: z.string().min(1).max(40).default('ssh-bbs'),
      tagline: z.string().max(80).default('A teleconference for everyone on the board'),
    })
    .prefault({}),
  log: z
    .strictObject({
      level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    })
    .prefault({}),
  metrics: z
    .strictObject({
      enabled: z.boolean().default(false),
      listen: listen.default('127.0.0.1:9464'),
    })
    .prefault({}),
});

export type Config = z.infer<typeof schema>;
export type ServerConfig = Config['server'];
export type ConnectionConfig = Config['connection'];
export type AuthConfig = Config['auth'];
export type ChatConfig = Config['chat'];
export type RoomConfig = Config['room'];
export type StoreConfig = Config['store'];
export type BbsConfig = Config['bbs'];
export type MetricsConfig = Config['metrics'];

/** The processes serving callers: `server.workers`, where "auto" is one per core. */
export function workerCount(server: Pick<Config['server'], 'workers'>): number {
  return server.workers === 'auto' ? os.availableParallelism() : server.workers;
}

/** A `listen` value split into what net.Server.listen takes. */
export function parseListen(value: string): { host: string; port: number } {
  const match = LISTEN.exec(value);
  if (!match) throw new Error(`not a host:port: ${value}`);
  return { host: (match[1] ?? match[2]) as string, port: Number(match[3]) };
}

/** Start-up stops with this: its message names every bad key, one per line, and where it was set. */
export class ConfigError extends Error {
  readonly code = 'ERR_BBS_CONFIG';
  constructor(readonly problems: string[], source: string) {
    const indent = (problem: string) => problem.split('\n').map((line, i) => (i === 0 ? line : `    ${line}`.trimEnd()));
    super(`Invalid configuration (${source}):\n${problems.map((p) => `  - ${indent(p).join('\n')}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Each BBS_* variable and the key it overrides; a URL may carry a password, so it is shown redacted. */
const ENV_OVERRIDES: ReadonlyArray<{ name: string; section: string; key: string; numeric?: boolean; url?: boolean }> = [
  { name: 'BBS_HOST', section: 'server', key: 'host' },
  { name: 'BBS_PORT', section: 'server', key: 'port', numeric: true },
  { name: 'BBS_KEYS_DIR', section: 'server', key: 'keys_dir' },
  { name: 'BBS_DATA_DIR', section: 'server', key: 'data_dir' },
  { name: 'BBS_WORKERS', section: 'server', key: 'workers', numeric: true },
  { name: 'BBS_LOG_LEVEL', section: 'log', key: 'level' },
  { name: 'BBS_REDIS_URL', section: 'room', key: 'redis', url: true },
  { name: 'BBS_DATABASE_URL', section: 'store', key: 'postgres', url: true },
];

function section(raw: Record<string, any>, name: string): Record<string, unknown> {
  if (typeof raw[name] !== 'object' || raw[name] === null || Array.isArray(raw[name])) raw[name] = {};
  return raw[name];
}

/**
 * Reads BBS_CONFIG (or ./config.yaml when it exists; embedded defaults when it does not), applies
 * the BBS_* overrides and validates. Relative directories in the file are taken from the file's own
 * folder, so the server and the CLI find the same data wherever they are started from. A bad value
 * is reported against where it came from: the variable when one set it, else the file.
 */
export function loadConfig({ env = process.env, cwd = process.cwd() }: LoadOptions = {}): Readonly<Config> {
  const explicit = env.BBS_CONFIG;
  const file = path.resolve(cwd, explicit ?? 'config.yaml');
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (explicit || code !== 'ENOENT') throw new ConfigError([`cannot read ${file}: ${code ?? String(err)}`], `BBS_CONFIG=${file}`);
  }
  const raw = text === undefined ? {} : parseYaml(text, file);
  const baseDir = text === undefined ? cwd : path.dirname(file);
  for (const dir of ['keys_dir', 'data_dir'] as const) {
    const server = raw.server as Record<string, unknown> | undefined;
    if (server && typeof server[dir] === 'string') server[dir] = path.resolve(baseDir, server[dir] as string);
  }
  const fromEnv = new Map<string, string>();
  for (const { name, section: sectionName, key, numeric, url } of ENV_OVERRIDES) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    section(raw, sectionName)[key] = numeric && /^\d+$/.test(value) ? Number(value) : value;
    const shown = url ? redactUrl(value) : value;
    fromEnv.set(`${sectionName}.${key}`, `${name}=${JSON.stringify(shown.slice(0, 64))}`);
  }
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues;
    const envIssue = (issue: z.core.$ZodIssue) => fromEnv.get(issue.path.join('.'));
    const sources = [
      ...(issues.some((i) => !envIssue(i)) ? [text === undefined ? 'defaults' : file] : []),
      ...(issues.some(envIssue) ? ['environment'] : []),
    ];
    throw new ConfigError(issues.map((i) => describeIssue(i, envIssue(i))), sources.join(', '));
  }
  const config = result.data;
  config.server.keys_dir = path.resolve(cwd, config.server.keys_dir);
  config.server.data_dir = path.resolve(cwd, config.server.data_dir);
  return deepFreeze(config);
}

/** Validates an already-parsed object; used by tests. */
export function parseConfig(raw: unknown, source = 'config'): Config {
  const result = schema.safeParse(raw ?? {});
  if (!result.success) throw new ConfigError(result.error.issues.map((i) => describeIssue(i)), source);
  return result.data;
}

/** `server.port: …`, or `BBS_PORT="abc" (server.port): …` when a variable set the value. */
function describeIssue(issue: z.core.$ZodIssue, envSetting?: string): string {
  const key = issue.path.join('.');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((k) => `${key ? `${key}.` : ''}${k}: unknown key`).join('; ');
  }
  if (envSetting) return `${envSetting} (${key}): ${issue.message}`;
  return `${key || '(top level)'}: ${issue.message}`;
}

/** YAML errors keep their whole message: it shows the offending line with a caret under it. */
function parseYaml(text: string, file: string): Record<string, any> {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(doc.errors.map((e) => e.message.trimEnd() || 'YAML error'), file);
  }
  const value: unknown = doc.toJS({ maxAliasCount: 50 });
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(['(top level): must be a mapping of sections (server, connection, auth, chat, room, store, bbs, log, metrics)'], file);
  }
  return value as Record<string, any>;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
