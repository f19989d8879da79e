/**
 * `bbs …`: the sysop's commands — accounts (add, passwd, list, role, ban, keys) and the board's
 * host-key fingerprints. It reads the same config.yaml and BBS_* variables as the board and opens
 * the same database, so it works while the board runs (WAL and a busy timeout make that safe).
 *
 * Plain output, no logger. Exit status: 0 ok, 1 error, 2 usage. Expected failures (unknown handle,
 * weak password, bad key, bad config) print one sentence; only a bug prints a stack.
 */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { handleProblem, isValidHandle } from './chat/text.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { describeKey, MAX_PUBLIC_KEY_TEXT, parsePublicKey } from './keys/openssh.js';
import { runBackup } from './cli-backup.js';
import { chooseDatabase, describeChoice, openChosenStores } from './cli-database.js';
import { runDoctor } from './cli-doctor.js';
import { runTransferCommand, TRANSFER_USAGE } from './cli-transfer.js';
import { listHostKeys } from './cli-host-keys.js';
import { createPasswordHasher } from './store/passwords.js';
import { readInput, readNewPassword, type CliInput } from './cli-input.js';
import { isRole, StoreError, type Stores, type User, type UserStore } from './store/store.js';
import { parseArguments } from './cli-args.js';
import { MODERATION_COMMANDS } from './cli-moderation.js';
import { formatTime, table } from './cli-table.js';

export interface CliIo {
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdin: CliInput;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

export interface Context {
  io: CliIo;
  config: Readonly<Config>;
  stores: Stores;
  /** stores.users, the one most commands use. */
  users: UserStore;
  /** Options that take a value (`--for 7d`). */
  options: Map<string, string>;
  out(line: string): void;
  fail(line: string): number;
}

export interface CliCommand {
  words: string;
  params: string;
  summary: string;
  /** Positional arguments [min, max]. */
  arity: [number, number];
  /** Switches; a trailing "=" marks an option that takes a value. */
  flags: string[];
  run(args: string[], flags: Set<string>, ctx: Context): Promise<number> | number;
}

const COMMANDS: CliCommand[] = [
  command('user add', '<handle> [--sysop]', 'create an account (password: stdin, or asked)', [1, 1], addUser, ['--sysop']),
  command('user passwd', '<handle>', 'set a new password', [1, 1], changePassword),
  command('user list', '', 'every account: role, ban, created, last login, keys', [0, 0], listUsers),
  command('user role', '<handle> user|sysop', "change an account's role", [2, 2], changeRole),
  command('user key add', '<handle> <file|key|->', 'bind a public key (.pub file, key, - for stdin)', [2, Infinity], addKey),
  command('user key list', '<handle>', 'the keys bound to an account', [1, 1], listKeys),
  ...MODERATION_COMMANDS,
];

function command(
  words: string,
  params: string,
  summary: string,
  arity: [number, number],
  run: CliCommand['run'],
  flags: string[] = [],
): CliCommand {
  return { words, params, summary, arity, run, flags };
}

export async function runCli(allArgs: readonly string[], io: CliIo): Promise<number> {
  const say = (stream: CliIo['stdout']) => (line: string) => void stream.write(`${line}\n`);
  const create = allArgs.includes('--create');
  const argv = allArgs.filter((a) => a !== '--create');
  if (argv.length === 0) return usageError(io, 'No command given.');
  if (argv[0] === 'help' || argv.includes('--help') || argv.includes('-h')) {
    say(io.stdout)(usage());
    return 0;
  }
  try {
    if (argv[0] === 'doctor') {
      if (argv.length > 1) return usageError(io, '"bbs doctor" takes no arguments.');
      return await runDoctor(io);
    }
    if (argv[0] === 'backup') {
      if (argv.length !== 2 || argv[1]?.startsWith('-')) return usageError(io, 'Usage: bbs backup <file>');
      return await runBackup(argv[1] as string, io);
    }
    if (argv[0] === 'keys') {
      if (argv.length > 1) return usageError(io, '"bbs keys" takes no arguments.');
      return listHostKeys(loadConfig({ env: io.env, cwd: io.cwd }).server.keys_dir, io);
    }
    const transfer = runTransferCommand(argv, create, io, (problem) => usageError(io, problem));
    if (transfer !== undefined) return await transfer;
    const command = findCommand(argv);
    if (!command) return usageError(io, `Unknown command "${argv.slice(0, 3).join(' ')}".`);
    const rest = argv.slice(command.words.split(' ').length);
    const { args, flags, options, problem } = parseArguments(rest, command.flags);
    const [min, max] = command.arity;
    if (problem || args.length < min || args.length > max) {
      return usageError(io, problem ?? `Usage: bbs ${command.words} ${command.params}`);
    }
    const config = loadConfig({ env: io.env, cwd: io.cwd });
    const choice = chooseDatabase(config, io.env, io.cwd);
    const hasher = createPasswordHasher({ maxConcurrent: config.auth.max_concurrent_hashes });
    const stores = await openChosenStores(config, choice, { hasher, create });
    io.stderr.write(`${describeChoice(choice)}\n`);
    try {
      const fail = (line: string) => {
        io.stderr.write(`bbs: ${line}\n`);
        return 1;
      };
      return await command.run(args, flags, { io, config, stores, users: stores.users, options, out: say(io.stdout), fail });
    } finally {
      await stores.close();
    }
  } catch (err) {
    return reportError(err, io);
  }
}

function findCommand(argv: readonly string[]): CliCommand | undefined {
  return COMMANDS.find((c) => c.words.split(' ').every((word, i) => argv[i] === word));
}

function usage(): string {
  const lines = COMMANDS.map((c) => [`bbs ${c.words} ${c.params}`.trimEnd(), c.summary] as const);
  lines.push(
    ['bbs keys', "the board's host-key fingerprints"],
    ['bbs doctor', 'check config, host keys, database, port and Node.js, one line each'],
    ['bbs backup <file>', 'a consistent copy of the database, also while the board runs'],
    ...TRANSFER_USAGE,
    ['bbs help', 'this text'],
  );
  const width = Math.max(...lines.map(([left]) => left.length)) + 2;
  return [
    'Usage: bbs <command>',
    '',
    'Sysop commands for ssh-bbs. They read the same config.yaml and BBS_* variables as the board',
    'and work while it runs. They use only an existing board database, and name it on stderr;',
    '--create makes a new one.',
    '',
    ...lines.map(([left, right]) => `  ${left.padEnd(width)}${right}`),
    '',
    'Exit status: 0 ok, 1 error, 2 usage.',
  ].join('\n');
}

function usageError(io: CliIo, problem: string): number {
  io.stderr.write(`bbs: ${problem}\nRun "bbs help" for the list of commands.\n`);
  return 2;
}

function reportError(err: unknown, io: CliIo): number {
  if (err instanceof ConfigError || err instanceof StoreError) {
    io.stderr.write(`bbs: ${err.message}\n`);
  } else if (err instanceof Error && 'code' in err && typeof err.code === 'string') {
    io.stderr.write(`bbs: ${err.message} (${err.code})\n`);
  } else {
    io.stderr.write(`bbs: unexpected error: ${err instanceof Error ? err.stack : String(err)}\n`);
  }
  return 1;
}

async function addUser([handle = '']: string[], flags: Set<string>, ctx: Context): Promise<number> {
  if (!isValidHandle(handle)) return ctx.fail(handleProblem(handle) ?? 'That is not a valid handle.');
  const existing = await ctx.users.findByHandle(handle);
  if (existing) return ctx.fail(`There is already a user called ${existing.handle}.`);
  const listed = ctx.config.auth.sysop_handles.some((h) => h.toLowerCase() === handle.toLowerCase());
  const role = flags.has('--sysop') || listed ? 'sysop' : 'user';
  const input = await readNewPassword(ctx.io, `New password for ${handle}: `);
  if ('error' in input) return ctx.fail(input.error);
  const user = await ctx.users.create({ handle, password: input.password, role });
  const why = listed && !flags.has('--sysop') ? ', listed in auth.sysop_handles' : '';
  ctx.out(`Created ${user.handle} (${user.role}${why}).`);
  return 0;
}

async function changePassword([handle = '']: string[], _flags: Set<string>, ctx: Context): Promise<number> {
  const user = await ctx.users.findByHandle(handle);
  if (!user) return ctx.fail(`No user called ${handle}.`);
  const input = await readNewPassword(ctx.io, `New password for ${user.handle}: `);
  if ('error' in input) return ctx.fail(input.error);
  await ctx.users.setPassword(user.handle, input.password);
  ctx.out(`Password changed for ${user.handle}.`);
  return 0;
}

async function listUsers(_args: string[], _flags: Set<string>, ctx: Context): Promise<number> {
  const users = await ctx.users.list();
  if (users.length === 0) {
    ctx.out('No users yet. Add one with: bbs user add <handle>');
    return 0;
  }
  const keyCounts = await Promise.all(users.map(async (u) => (await ctx.users.keysFor(u.handle)).length));
  const rows = users.map((u: User, i) => [
    u.handle,
    u.role,
    u.banned ? 'yes' : 'no',
    formatTime(u.createdAt),
    u.lastLoginAt === null ? 'never' : formatTime(u.lastLoginAt),
    String(keyCounts[i]),
  ]);
  ctx.out(table(['HANDLE', 'ROLE', 'BANNED', 'CREATED (UTC)', 'LAST LOGIN (UTC)', 'KEYS'], rows));
  return 0;
}

async function changeRole([handle = '', role = '']: string[], _flags: Set<string>, ctx: Context): Promise<number> {
  if (!isRole(role)) return ctx.fail(`Unknown role "${role}": use user or sysop.`);
  const user = await ctx.users.setRole(handle, role);
  ctx.out(`${user.handle} is now ${role === 'sysop' ? 'a sysop' : 'a user'}.`);
  return 0;
}

async function addKey([handle = '', ...keyWords]: string[], _flags: Set<string>, ctx: Context): Promise<number> {
  const user = await ctx.users.findByHandle(handle);
  if (!user) return ctx.fail(`No user called ${handle}.`);
  const source = await readKeyArgument(keyWords.join(' '), ctx.io);
  if ('error' in source) return ctx.fail(source.error);
  const parsed = parsePublicKey(source.text);
  if (!parsed.ok) return ctx.fail(source.file ? `${source.file}: ${parsed.error}` : parsed.error);
  const { key } = parsed;
  if ((await ctx.users.findByKey(key.algo, key.blob))?.id === user.id) {
    ctx.out(`${user.handle} already has that key (${key.fingerprint}).`);
    return 0;
  }
  await ctx.users.addKey(user.handle, key);
  ctx.out(`Added ${key.algo} key ${key.fingerprint}${key.comment ? ` (${key.comment})` : ''} to ${user.handle}.`);
  return 0;
}

async function listKeys([handle = '']: string[], _flags: Set<string>, ctx: Context): Promise<number> {
  const user = await ctx.users.findByHandle(handle);
  if (!user) return ctx.fail(`No user called ${handle}.`);
  const keys = await ctx.users.keysFor(user.handle);
  if (keys.length === 0) {
    ctx.out(`${user.handle} has no keys. Add one with: bbs user key add ${user.handle} <file.pub>`);
    return 0;
  }
  const rows = keys.map((k) => [k.algo, k.fingerprint, k.comment, formatTime(k.createdAt)]);
  ctx.out(table(['TYPE', 'FINGERPRINT', 'COMMENT', 'ADDED (UTC)'], rows));
  return 0;
}

/** `-` reads stdin; an existing file is read; anything else is taken to be the key itself. */
async function readKeyArgument(arg: string, io: CliIo): Promise<{ text: string; file?: string } | { error: string }> {
  if (arg === '-') return { text: (await readInput(io.stdin, { firstLineOnly: false })) ?? '' };
  const file = path.resolve(io.cwd, arg);
  const stat = statSync(file, { throwIfNoEntry: false });
  if (!stat?.isFile()) {
    const looksLikePath = !/\s/.test(arg) && !/^(ssh-|ecdsa-|sk-)/.test(arg);
    if (!looksLikePath) return { text: arg };
    return { error: `No file called ${arg}. Give a .pub file, the key itself, or - to read stdin.` };
  }
  if (stat.size > MAX_PUBLIC_KEY_TEXT) return { error: `${arg} is too big to be a public key.` };
  return { text: readFileSync(file, 'utf8'), file: arg };
}

/** Wires runCli to this process; bin/bbs.js calls it, and so does running this file directly. */
export async function main(): Promise<void> {
  const { stdin, stdout, stderr, env } = process;
  process.exitCode = await runCli(process.argv.slice(2), { env, cwd: process.cwd(), stdin, stdout, stderr });
}

function isEntryPoint(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isEntryPoint()) await main();
