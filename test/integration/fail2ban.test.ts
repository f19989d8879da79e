/**
 * The shipped fail2ban filter against the board's own log: a real board, real SSH clients that log
 * in, fail, get locked out and crowd one address; then fail2ban-regex (the Debian package's tool)
 * runs the filter over those very lines. Every line that blames an address must match, and no other.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { utils } from 'ssh2';
import { afterEach, describe, expect, it } from 'vitest';
import { connectClient } from '../helpers/caller.js';
import { PASSWORD, useRoom } from '../helpers/room.js';
import { generateKeyPair } from '../../src/keys/generate.js';

const FILTER = fileURLToPath(new URL('../../contrib/fail2ban/filter.d/ssh-bbs.conf', import.meta.url));
const room = useRoom();
let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

/** The lines the filter is for: each blames the address in its "ip" field. */
const BLAMING = new Set(['login failed', 'login refused: locked out', 'too many authentication attempts; disconnecting']);
const isFailure = (entry: Record<string, unknown>) =>
  BLAMING.has(String(entry.msg)) || (entry.msg === 'connection refused' && ['max_per_ip', 'pre_login_per_ip'].includes(String(entry.reason)));

/** fail2ban-regex's "Lines: N lines, I ignored, M matched, K missed" for `lines`. */
function runFilter(lines: string[], name: string): { lines: number; matched: number; missed: number } {
  const file = path.join(dir as string, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  const output = execFileSync('fail2ban-regex', [file, FILTER], { encoding: 'utf8' });
  const summary = /^Lines: (\d+) lines, \d+ ignored, (\d+) matched, (\d+) missed/m.exec(output);
  if (!summary) throw new Error(`fail2ban-regex said:\n${output}`);
  return { lines: Number(summary[1]), matched: Number(summary[2]), missed: Number(summary[3]) };
}

const closed = (socket: net.Socket) => new Promise<void>((resolve) => socket.once('close', () => resolve()));

describe('fail2ban', () => {
  it('the filter matches every failure line of a real run and no other line', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'bbs-f2b-'));
    const board = await room.start({ auth: { max_login_attempts: 2, lockout_minutes: 1 }, connection: { max_per_ip: 2, max_unauthenticated_per_ip: 1 } });
    await room.addUsers(['alice', 'bob']);

    // A good login, a whole call.
    const alice = await room.enter('alice');
    alice.type('/quit\r');
    await alice.closed;
    // A key alice's account does not have, then her password: not a failure.
    const unbound = generateKeyPair('ed25519').private;
    const withKey = await connectClient(board.port, { username: 'alice', privateKey: unbound, password: PASSWORD, authHandler: ['publickey', 'password'] });
    withKey.end();
    await expect.poll(() => board.board.connectionCount()).toBe(0);
    // A signature that does not verify: a failure.
    const liar = utils.parseKey(unbound);
    if (liar instanceof Error || Array.isArray(liar)) throw new Error('unreadable test key');
    liar.sign = () => Buffer.alloc(64, 7);
    await expect(connectClient(board.port, { username: 'bob', authHandler: [{ type: 'publickey', username: 'bob', key: liar }] as never })).rejects.toThrow();
    await expect.poll(() => board.board.connectionCount()).toBe(0);
    // Wrong passwords until the connection is cut, then a try while that pair is locked out.
    // (Each once the last has gone: the address may have only one connection logging in.)
    await expect(connectClient(board.port, { username: 'alice', password: 'wrong password' })).rejects.toThrow();
    await expect.poll(() => board.board.connectionCount()).toBe(0);
    await expect(connectClient(board.port, { username: 'alice', password: 'wrong again' })).rejects.toThrow();
    await expect.poll(() => board.board.connectionCount()).toBe(0);
    // One address over max_per_ip: bob on a node and a silent socket hold both places.
    const again = await room.enter('bob');
    const silent = net.connect(board.port, '127.0.0.1');
    await new Promise((resolve) => silent.once('connect', resolve));
    const third = net.connect(board.port, '127.0.0.1');
    third.on('error', () => undefined);
    // Refused: it is sent the board's version line, which it reads, then closed.
    third.resume();
    await closed(third);
    again.type('/quit\r');
    await again.closed;
    await expect.poll(() => board.board.connectionCount()).toBe(1);
    // Over its pre-login share: the silent socket is the one connection it may have logging in.
    const fourth = net.connect(board.port, '127.0.0.1');
    fourth.on('error', () => undefined);
    fourth.resume();
    await closed(fourth);
    silent.destroy();
    await board.close();

    const lines = board.rawLogs().split('\n').filter(Boolean);
    const failures = lines.filter((line) => isFailure(JSON.parse(line) as Record<string, unknown>));
    const others = lines.filter((line) => !failures.includes(line));
    const kinds = new Set(failures.map((line) => (JSON.parse(line) as { msg: string }).msg));
    expect([...kinds].sort()).toEqual([...BLAMING, 'connection refused'].sort());
    const reasons = new Set(failures.map((line) => (JSON.parse(line) as { reason?: string }).reason).filter(Boolean));
    expect([...reasons].sort()).toEqual(['max_per_ip', 'pre_login_per_ip']);
    for (const line of failures) expect(JSON.parse(line)).toMatchObject({ ip: '127.0.0.1', port: expect.any(Number) });
    expect(failures.some((line) => (JSON.parse(line) as { why?: string }).why === 'bad signature')).toBe(true);
    expect(others.some((line) => line.includes('key not bound to the account'))).toBe(true);

    expect(runFilter(failures, 'failures.log')).toEqual({ lines: failures.length, matched: failures.length, missed: 0 });
    expect(runFilter(others, 'others.log')).toEqual({ lines: others.length, matched: 0, missed: others.length });
    expect(others.length).toBeGreaterThan(10);
  });
});
