/**
 * "/keys add" binds the key in use: a member whose client offers a key the account does not have
 * proves it (a verified signature), logs in by password after partial success, and `/keys add`
 * alone binds that very key. Through the ssh2 client (with an agent of several keys, and a client
 * that signs wrongly) and OpenSSH in tmux (password fallback, a bound key after an unbound one, a
 * pasted 4096-bit RSA line). An unbound key is not a failed login; a bad signature is.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BaseAgent, utils, type ParsedKey } from 'ssh2';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePublicKey } from '../../src/keys/openssh.js';
import { connectCaller, connectClient } from '../helpers/caller.js';
import { PASSWORD, useRoom, WAIT_MS } from '../helpers/room.js';
import { clientInTmux, hasTmuxAndSsh, pythonWithParamiko, type TmuxSsh } from '../helpers/tmux.js';
import { generateKeyPair } from '../../src/keys/generate.js';

const room = useRoom();
const sessions: TmuxSsh[] = [];
const folders: string[] = [];
afterEach(() => {
  for (const session of sessions.splice(0)) session.kill();
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** An ed25519 pair the board can read (ssh2's generator sometimes drops a leading zero byte, mscdex/ssh2#1390). */
function keyPair(): { private: string; public: string; fingerprint: string } {
  for (;;) {
    const key = generateKeyPair('ed25519');
    const parsed = parsePublicKey(key.public);
    if (parsed.ok) return { ...key, fingerprint: parsed.key.fingerprint };
  }
}

function parsed(privateKey: string): ParsedKey {
  const key = utils.parseKey(privateKey);
  if (key instanceof Error || Array.isArray(key)) throw new Error('unreadable test key');
  return key;
}

/** An in-process SSH agent holding `keys`, offered in that order. */
class TestAgent extends BaseAgent {
  constructor(private readonly keys: ParsedKey[]) {
    super();
  }
  getIdentities(cb: (err: Error | undefined, keys?: ParsedKey[]) => void): void {
    cb(undefined, this.keys);
  }
  sign(pub: ParsedKey | Buffer | string, data: Buffer, options: unknown, cb?: (err: Error | undefined, signature?: Buffer) => void): void {
    const blob = typeof pub === 'object' && 'getPublicSSH' in pub ? pub.getPublicSSH() : undefined;
    const key = this.keys.find((k) => blob !== undefined && k.getPublicSSH().equals(blob));
    const signature = key?.sign(data, (options as { hash?: string } | undefined)?.hash);
    if (!signature || signature instanceof Error) return cb?.(new Error('no such key'));
    cb?.(undefined, signature);
  }
}

/** Wide enough that the board's answers fit on one row. */
const WIDE = 200;
const loginFailures = () => room.board.logs().filter((l) => l.msg === 'login failed');

describe('/keys add (the key in use), through the ssh2 client', () => {
  it('an unbound key is proven, the password logs in, and /keys add alone binds that key', async () => {
    await room.start();
    await room.addUsers(['alice']);
    const key = keyPair();
    const alice = await room.call('alice', { privateKey: key.private, authHandler: ['publickey', 'password'], cols: WIDE });
    await alice.sees('*** alice has joined the chat ***');
    alice.type('/keys\r');
    await alice.sees(`/keys add alone binds the key your client offered at login (${key.fingerprint})`);
    alice.type('/keys add\r');
    await alice.sees(`Key added: ssh-ed25519 ${key.fingerprint}, the key your client offered at login.`);
    alice.type('/keys add\r');
    await alice.sees(`You already have that key (${key.fingerprint}).`);
    expect(loginFailures()).toHaveLength(0);
    expect(room.board.logs().some((l) => l.msg === 'key not bound to the account; asking for a password' && l.fingerprint === key.fingerprint)).toBe(true);

    const byKey = await connectCaller(room.board.port, { username: 'alice', privateKey: key.private, authHandler: ['publickey'] });
    await byKey.waitFor('*** alice has joined the chat ***', WAIT_MS);
    byKey.client.destroy();
  });

  it('a password-only caller is told to paste the key instead', async () => {
    await room.start();
    await room.addUsers(['bob']);
    const bob = await room.enter('bob', { cols: WIDE });
    bob.type('/keys add\r');
    await bob.sees('Your client proved no key at login that is not already yours. Paste the key instead');
  });

  it('an agent of unbound keys: one is kept, none is a failure; a bound key later in the agent still gets in at once', async () => {
    await room.start({ auth: { max_login_attempts: 2 } });
    await room.addUsers(['alice']);
    const keys = [keyPair(), keyPair(), keyPair(), keyPair()];
    const agent = new TestAgent(keys.map((k) => parsed(k.private)));
    const alice = await room.call('alice', { agent, authHandler: ['agent', 'password'], cols: WIDE });
    await alice.sees('*** alice has joined the chat ***');
    expect(loginFailures()).toHaveLength(0);
    alice.type('/keys add\r');
    await alice.sees(`Key added: ssh-ed25519 ${keys[0]!.fingerprint}`);
    alice.client.destroy();

    // The bound key last: it gets in with no password (authHandler offers none).
    const boundLast = new TestAgent([keys[1]!, keys[2]!, keys[0]!].map((k) => parsed(k.private)));
    const byAgent = await connectCaller(room.board.port, { username: 'alice', agent: boundLast, authHandler: ['agent'] });
    await byAgent.waitFor('*** alice has joined the chat ***', WAIT_MS);
    byAgent.client.destroy();
    expect(loginFailures()).toHaveLength(0);
  });

  it('a bad signature is a failed login, logged with the fingerprint', async () => {
    await room.start();
    await room.addUsers(['alice']);
    const key = keyPair();
    const liar = parsed(key.private);
    liar.sign = () => Buffer.alloc(64, 7);
    await expect(connectClient(room.board.port, { username: 'alice', authHandler: [{ type: 'publickey', username: 'alice', key: liar }] as never })).rejects.toThrow();
    expect(loginFailures()).toEqual([expect.objectContaining({ method: 'publickey', why: 'bad signature', fingerprint: key.fingerprint })]);
    expect(room.board.rawLogs()).not.toContain(key.public.split(' ')[1]!);
  });
});

function sshKey(dir: string, name: string, type: string, bits?: number): string {
  const file = path.join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', type, ...(bits ? ['-b', String(bits)] : []), '-N', '', '-C', name, '-f', file]);
  return file;
}

function openssh(port: number, options: string[]): TmuxSsh {
  const session = clientInTmux(
    [
      'ssh', '-F', '/dev/null', '-p', String(port), '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null',
      '-o', 'LogLevel=ERROR', '-o', 'IdentitiesOnly=yes', '-o', 'IdentityAgent=none', ...options, 'alice@127.0.0.1',
    ],
    { cols: 140, rows: 30 },
  );
  sessions.push(session);
  return session;
}

/** OpenSSH with a command and no prompts (the board refuses commands, after login): its combined output. */
function sshBatch(port: number, options: string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile(
      'ssh',
      ['-F', '/dev/null', '-p', String(port), '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'IdentitiesOnly=yes', '-o', 'IdentityAgent=none', ...options, 'alice@127.0.0.1', 'true'],
      { timeout: 20_000 },
      (_err, stdout, stderr) => resolve(`${stdout}${stderr}`),
    );
  });
}

const PYTHON = pythonWithParamiko();

describe.runIf(PYTHON)('a key, then the password, through paramiko', () => {
  it('gets in: paramiko asks for the ssh-userauth service again before its password, as sshd allows', async () => {
    await room.start();
    await room.addUsers(['alice']);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bbs-keys-'));
    folders.push(dir);
    const unbound = sshKey(dir, 'id_unbound', 'ed25519');
    const script = [
      'import paramiko, sys',
      'c = paramiko.SSHClient(); c.set_missing_host_key_policy(paramiko.AutoAddPolicy())',
      "c.connect('127.0.0.1', int(sys.argv[1]), username='alice', key_filename=sys.argv[2], password=sys.argv[3], look_for_keys=False, allow_agent=False)",
      "print('authenticated'); c.close()",
    ].join('\n');
    const out = await new Promise<string>((resolve) => {
      execFile(PYTHON!, ['-c', script, String(room.board.port), unbound, PASSWORD], { timeout: 20_000 }, (_err, stdout, stderr) => resolve(`${stdout}${stderr}`));
    });
    expect(out).toContain('authenticated');
    expect(room.board.logs().some((l) => l.msg === 'key not bound to the account; asking for a password')).toBe(true);
  });
});

describe.runIf(hasTmuxAndSsh())('/keys add (the key in use), through OpenSSH', () => {
  it('falls back to the password after partial success, binds the key in use, then the key alone gets in', async () => {
    await room.start();
    await room.addUsers(['alice']);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bbs-keys-'));
    folders.push(dir);
    const unbound = sshKey(dir, 'id_unbound', 'ed25519');
    const fingerprint = (parsePublicKey(readFileSync(`${unbound}.pub`, 'utf8')) as { ok: true; key: { fingerprint: string } }).key.fingerprint;

    const ssh = openssh(room.board.port, ['-i', unbound]);
    await ssh.waitFor(/password:/i);
    ssh.type(PASSWORD, { enter: true });
    await ssh.waitFor('*** alice has joined the chat ***');
    ssh.type('/keys add', { enter: true });
    await ssh.waitFor(`Key added: ssh-ed25519 ${fingerprint}`);
    expect(loginFailures()).toHaveLength(0);

    // A 4096-bit RSA .pub line (about 740 characters) pasted after "/keys add ".
    const rsa = sshKey(dir, 'id_rsa4096', 'rsa', 4096);
    const rsaLine = readFileSync(`${rsa}.pub`, 'utf8').trim();
    expect(rsaLine.length).toBeGreaterThan(700);
    ssh.type('/keys add ');
    ssh.paste(rsaLine);
    await ssh.waitFor(/Key added: SHA256:\S+\. It logs you in/);

    const keyOnly = ['-o', 'PasswordAuthentication=no', '-o', 'KbdInteractiveAuthentication=no'];
    expect(await sshBatch(room.board.port, [...keyOnly, '-i', unbound])).toMatch(/does not run commands/);
    expect(await sshBatch(room.board.port, [...keyOnly, '-i', rsa])).toMatch(/does not run commands/);
  });

  it('an unbound key offered before a bound one does not cost the bound one its login', async () => {
    await room.start();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bbs-keys-'));
    folders.push(dir);
    const unbound = sshKey(dir, 'id_a_unbound', 'ed25519');
    const bound = sshKey(dir, 'id_b_bound', 'ed25519');
    const key = parsePublicKey(readFileSync(`${bound}.pub`, 'utf8'));
    if (!key.ok) throw new Error(key.error);
    await room.board.board.users.create({ handle: 'alice', password: PASSWORD, key: { algo: key.key.algo, blob: key.key.blob } });
    const keyOnly = ['-o', 'PasswordAuthentication=no', '-o', 'KbdInteractiveAuthentication=no'];
    expect(await sshBatch(room.board.port, [...keyOnly, '-i', unbound, '-i', bound])).toMatch(/does not run commands/);
    // The unbound key alone and no password allowed: refused, and still not a failed login.
    expect(await sshBatch(room.board.port, [...keyOnly, '-i', unbound])).toMatch(/Permission denied/);
    expect(loginFailures()).toHaveLength(0);
  });
});
