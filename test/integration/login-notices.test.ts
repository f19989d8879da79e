/**
 * Every client is told in words why a login is refused, not only keyboard-interactive ones: the
 * password method ends with the notice as the disconnect reason (too many failures, locked out,
 * busy), and a key that is not bound yet is explained in a banner before the password is asked.
 * Through the ssh2 client and OpenSSH in tmux (PreferredAuthentications=password / publickey).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'ssh2';
import { afterEach, describe, expect, it } from 'vitest';
import { startBoard, type TestBoard } from '../helpers/board.js';
import { connectClient } from '../helpers/caller.js';
import { fillHashQueue } from '../helpers/hash-queue.js';
import { clientInTmux, hasTmuxAndSsh, type TmuxSsh } from '../helpers/tmux.js';
import { generateKeyPair } from '../../src/keys/generate.js';

const PASSWORD = 'correct horse battery';
let board: TestBoard | undefined;
const sessions: TmuxSsh[] = [];
const folders: string[] = [];

afterEach(async () => {
  for (const session of sessions.splice(0)) session.kill();
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  await board?.close();
  board = undefined;
});

/** Password method only, `tries` times on one connection: what the ssh2 client reports. */
function passwordLogin(port: number, password: string, tries = 1): Promise<string> {
  const authHandler = Array.from({ length: tries }, () => 'password' as const);
  return connectClient(port, { username: 'alice', password, authHandler }).then(
    (client) => {
      client.end();
      return 'ready';
    },
    (err: Error) => err.message,
  );
}

/** OpenSSH in tmux; the pane stays after ssh exits, so what it printed last can be read. */
function openssh(port: number, options: string[]): TmuxSsh {
  const ssh = [
    'ssh', '-F', '/dev/null', '-p', String(port), '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null',
    '-o', 'IdentitiesOnly=yes', '-o', 'IdentityAgent=none', ...options, 'alice@127.0.0.1',
  ];
  const line = ssh.map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`).join(' ');
  const session = clientInTmux(['sh', '-c', `${line}; sleep 60`], { cols: 160, rows: 30 });
  sessions.push(session);
  return session;
}

/** Waits until the screen shows `text` at least `times` times. */
async function seen(session: TmuxSsh, text: string, times: number): Promise<void> {
  await expect.poll(() => session.screen().split(text).length - 1, { timeout: 20_000, interval: 100 }).toBeGreaterThanOrEqual(times);
}

describe('notices to password-only clients', () => {
  it('the ssh2 client is told about too many failures, then the lockout', async () => {
    board = await startBoard({ auth: { max_login_attempts: 2 } });
    await board.board.users.create({ handle: 'alice', password: PASSWORD });
    expect(await passwordLogin(board.port, 'wrong guess!', 2)).toMatch('Too many failed login attempts. Goodbye.');
    expect(await passwordLogin(board.port, PASSWORD)).toMatch(/^Too many failed logins\. Try again in \d+ minutes?\.$/);
  });

  it('the ssh2 client is told the board is busy', async () => {
    board = await startBoard({ auth: { max_concurrent_hashes: 1, max_waiting_hashes: 2 } });
    await board.board.users.create({ handle: 'alice', password: PASSWORD });
    const full = fillHashQueue(board, 'alice');
    const said = await passwordLogin(board.port, PASSWORD);
    await full.stop();
    expect(said).toBe('The board is busy checking passwords. Please try again in a moment.');
  });

  it.runIf(hasTmuxAndSsh())('OpenSSH (PreferredAuthentications=password) prints each notice', async () => {
    board = await startBoard({ auth: { max_login_attempts: 2 } });
    await board.board.users.create({ handle: 'alice', password: PASSWORD });
    const options = ['-o', 'PreferredAuthentications=password', '-o', 'LogLevel=ERROR'];
    const first = openssh(board.port, options);
    for (const [n, guess] of ['wrong guess!', 'still wrong!'].entries()) {
      await seen(first, 'password:', n + 1);
      first.type(guess, { enter: true });
    }
    await first.waitFor(/Received disconnect from 127\.0\.0\.1 port \d+:14: Too many failed login attempts\. Goodbye\./);
    const second = openssh(board.port, options);
    await seen(second, 'password:', 1);
    second.type(PASSWORD, { enter: true });
    await second.waitFor(/Received disconnect from 127\.0\.0\.1 port \d+:14: Too many failed logins\. Try again in \d+ minutes?\./);
  });
});

describe('a key not bound yet', () => {
  it('the ssh2 client gets a banner saying so, and the password still logs in', async () => {
    board = await startBoard();
    await board.board.users.create({ handle: 'alice', password: PASSWORD });
    const key = generateKeyPair('ed25519');
    const banners: string[] = [];
    const client = new Client();
    client.on('banner', (text: string) => banners.push(text));
    await new Promise<void>((resolve, reject) => {
      client.on('ready', () => resolve());
      client.on('error', reject);
      const authHandler = ['publickey', 'password'] as const;
      client.connect({ host: '127.0.0.1', port: board!.port, username: 'alice', privateKey: key.private, password: PASSWORD, authHandler: [...authHandler], hostVerifier: () => true });
    });
    client.end();
    expect(banners.join('')).toMatch(/^The key SHA256:\S+ is not bound to your account yet\. Log in with your password; then \/keys add binds it\.\r\n$/);
  });

  it.runIf(hasTmuxAndSsh())('OpenSSH (PreferredAuthentications=publickey) prints the banner at its default LogLevel', async () => {
    board = await startBoard();
    await board.board.users.create({ handle: 'alice', password: PASSWORD });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bbs-notice-'));
    folders.push(dir);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'id')]);
    const ssh = openssh(board.port, ['-i', path.join(dir, 'id'), '-o', 'PreferredAuthentications=publickey']);
    await ssh.waitFor('is not bound to your account yet. Log in with your password; then /keys add binds it.');
    await ssh.waitFor(/Permission denied \(publickey,keyboard-interactive,password\)/);
  });
});
