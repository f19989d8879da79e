/**
 * The board as a sysop runs it: the real entry point in its own process. Start-up logs, host keys
 * made once and reused, clear start-up failures, and SIGTERM saying goodbye to every caller.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { openDatabase } from '../../src/store/db.js';
import { createPasswordHasher } from '../../src/store/passwords.js';
import { SqliteUserStore } from '../../src/store/users.js';
import { connectCaller } from '../helpers/caller.js';
import { runBoardProcess, type BoardProcess } from '../helpers/process.js';

const PASSWORD = 'correct horse battery';
let dir: string;
let env: Record<string, string>;
let running: BoardProcess | undefined;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'bbs-proc-'));
  writeFileSync(path.join(dir, 'config.yaml'), 'bbs:\n  name: Test BBS\n');
  env = {
    BBS_CONFIG: path.join(dir, 'config.yaml'),
    BBS_HOST: '127.0.0.1',
    BBS_PORT: '0',
    BBS_DATA_DIR: path.join(dir, 'data'),
    BBS_KEYS_DIR: path.join(dir, 'keys'),
  };
});

afterEach(async () => {
  if (running && running.child.exitCode === null) {
    running.child.kill('SIGKILL');
    await running.exited;
  }
  running = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const isListening = (l: Record<string, unknown>) => typeof l.port === 'number' && String(l.msg).startsWith('listening');

describe('the board process', () => {
  it('generates host keys once, logs their fingerprints, and reuses them', async () => {
    running = runBoardProcess(env);
    await running.waitForLog(isListening);
    const first = running.lines.filter((l) => l.msg === 'host key').map((l) => l.fingerprint);
    expect(first).toHaveLength(2);
    expect(first.every((f) => /^SHA256:[A-Za-z0-9+/]{43}$/.test(String(f)))).toBe(true);
    expect(running.lines.filter((l) => l.msg === 'generated a new host key')).toHaveLength(2);
    running.child.kill('SIGTERM');
    expect((await running.exited).code).toBe(0);

    running = runBoardProcess(env);
    await running.waitForLog(isListening);
    expect(running.lines.filter((l) => l.msg === 'host key').map((l) => l.fingerprint)).toEqual(first);
    expect(running.lines.some((l) => l.msg === 'generated a new host key')).toBe(false);
  });

  it('says goodbye to every caller on SIGTERM and exits 0', async () => {
    cpSync(inject('hostKeysDir'), env.BBS_KEYS_DIR!, { recursive: true });
    const db = openDatabase(env.BBS_DATA_DIR!);
    await new SqliteUserStore(db, createPasswordHasher({ maxConcurrent: 1 })).create({ handle: 'alice', password: PASSWORD });
    db.close();

    running = runBoardProcess(env);
    const { port } = await running.waitForLog(isListening);
    const caller = await connectCaller(port as number, { username: 'alice', password: PASSWORD });
    await caller.waitFor(/node 1|Node 1/);
    running.child.kill('SIGTERM');
    await caller.waitFor(/shutting down/i);
    await caller.closed;
    expect(await running.exited).toEqual({ code: 0, signal: null });
  });

  it('stops with one clear line naming a bad config key', async () => {
    writeFileSync(env.BBS_CONFIG!, 'server:\n  port: "lots"\nchat:\n  capasity: 3\n');
    const { BBS_PORT: _overridesTheFile, ...withoutPort } = env;
    running = runBoardProcess(withoutPort);
    const { code } = await running.exited;
    expect(code).not.toBe(0);
    expect(running.stderr()).toMatch(/server\.port/);
    expect(running.stderr()).toMatch(/chat\.capasity: unknown key/);
    expect(running.stderr()).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  });

  it('stops with a clear line when the port is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    running = runBoardProcess({ ...env, BBS_PORT: String(port) });
    const { code } = await running.exited;
    blocker.close();
    expect(code).not.toBe(0);
    expect(running.stderr()).toMatch(new RegExp(`Port ${port} .*already in use`));
  });

  it('refuses to start when a host key file is unreadable, and does not replace it', async () => {
    cpSync(inject('hostKeysDir'), env.BBS_KEYS_DIR!, { recursive: true });
    writeFileSync(path.join(env.BBS_KEYS_DIR!, 'ssh_host_ed25519_key'), 'not a key\n');
    running = runBoardProcess(env);
    const { code } = await running.exited;
    expect(code).not.toBe(0);
    expect(running.stderr()).toMatch(/ssh_host_ed25519_key/);
  });
});
