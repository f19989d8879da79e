/**
 * Every real SSH client gets in, under both algorithm sets: OpenSSH, PuTTY's plink, dropbear's
 * dbclient and paramiko (a client that never sends window-change), each logging in by password
 * and by a bound key and saying a line in the teleconference. Each client runs in tmux; a client
 * that is not installed skips its rows (.ci/run installs them all).
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parsePublicKey } from '../../src/keys/openssh.js';
import { startBoard, type TestBoard } from '../helpers/board.js';
import { hasCommand } from '../helpers/commands.js';
import { clientInTmux, pythonWithParamiko, type TmuxSsh } from '../helpers/tmux.js';

const PASSWORD = 'matrix password 7';
const PARAMIKO_SHELL = path.resolve('test/helpers/paramiko-shell.py');
let keyDir: string;
let board: TestBoard | undefined;
const sessions: TmuxSsh[] = [];

interface Login {
  port: number;
  user: string;
  /** A private key file in the client's own format, or undefined to use the password. */
  key?: string;
  hostKeys: string[];
}

interface ClientSpec {
  name: string;
  available: boolean;
  keyFile: () => string;
  start(login: Login): TmuxSsh;
}

const PYTHON = pythonWithParamiko();

const CLIENTS: ClientSpec[] = [
  {
    name: 'OpenSSH',
    available: hasCommand('ssh'),
    keyFile: () => path.join(keyDir, 'id_ed25519'),
    start: ({ port, user, key }) =>
      clientInTmux([
        'ssh', '-F', '/dev/null', '-p', String(port), '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null',
        '-o', 'LogLevel=ERROR', '-o', 'IdentitiesOnly=yes', '-o', 'IdentityAgent=none',
        ...(key ? ['-i', key, '-o', 'PasswordAuthentication=no', '-o', 'KbdInteractiveAuthentication=no'] : ['-o', 'PubkeyAuthentication=no']),
        `${user}@127.0.0.1`,
      ]),
  },
  {
    name: 'plink',
    available: hasCommand('plink'),
    keyFile: () => path.join(keyDir, 'id.ppk'),
    start: ({ port, user, key, hostKeys }) =>
      clientInTmux([
        'plink', '-ssh', '-batch', '-t', '-no-antispoof', '-P', String(port), ...hostKeys.flatMap((fp) => ['-hostkey', fp]),
        ...(key ? ['-i', key] : ['-pw', PASSWORD]), `${user}@127.0.0.1`,
      ]),
  },
  {
    name: 'dbclient',
    available: hasCommand('dbclient'),
    keyFile: () => path.join(keyDir, 'id.dropbear'),
    start: ({ port, user, key }) =>
      clientInTmux(['dbclient', '-y', '-y', '-t', '-p', String(port), ...(key ? ['-i', key] : []), `${user}@127.0.0.1`], undefined, key ? {} : { DROPBEAR_PASSWORD: PASSWORD }),
  },
  {
    name: 'paramiko',
    available: PYTHON !== undefined,
    keyFile: () => path.join(keyDir, 'id_ed25519'),
    start: ({ port, user, key }) => clientInTmux([PYTHON!, PARAMIKO_SHELL, String(port), user, ...(key ? ['--key', key] : ['--password', PASSWORD])]),
  },
];

beforeAll(() => {
  keyDir = mkdtempSync(path.join(os.tmpdir(), 'bbs-client-keys-'));
  const openssh = path.join(keyDir, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'matrix', '-f', openssh]);
  if (hasCommand('puttygen')) execFileSync('puttygen', [openssh, '-O', 'private', '-o', path.join(keyDir, 'id.ppk')], { stdio: 'ignore' });
  if (hasCommand('dropbearconvert')) {
    execFileSync('dropbearconvert', ['openssh', 'dropbear', openssh, path.join(keyDir, 'id.dropbear')], { stdio: 'ignore' });
  }
});

afterAll(() => rmSync(keyDir, { recursive: true, force: true }));

afterEach(async () => {
  for (const s of sessions.splice(0)) s.kill();
  await board?.close();
  board = undefined;
});

describe.each(['compatible', 'modern'] as const)('the %s algorithm set', (algorithms) => {
  describe.each(CLIENTS.map((c) => [c.name, c] as const))('%s', (_name, client) => {
    it.runIf(client.available).each(['password', 'key'] as const)('logs in by %s and says a line', async (method) => {
      board = await startBoard({ server: { algorithms } });
      const parsed = parsePublicKey(readFileSync(path.join(keyDir, 'id_ed25519.pub'), 'utf8'));
      if (!parsed.ok) throw new Error(parsed.error);
      await board.board.users.create({ handle: 'alice', password: PASSWORD, key: { algo: parsed.key.algo, blob: parsed.key.blob } });
      const session = client.start({
        port: board.port,
        user: 'alice',
        key: method === 'key' ? client.keyFile() : undefined,
        hostKeys: board.board.hostKeys.map((k) => k.fingerprint),
      });
      sessions.push(session);
      if (method === 'password' && client.name === 'OpenSSH') {
        await session.waitFor(/[Pp]assword/);
        session.type(PASSWORD, { enter: true });
      }
      await session.waitFor(/Node 1|node 1/);
      const line = `hello from ${client.name} by ${method}`;
      session.type(line, { enter: true });
      await session.waitFor(line);
      const methodLogged = board.logs().find((l) => l.msg === 'authenticated');
      expect(methodLogged?.method).toEqual(method === 'key' ? 'publickey' : expect.stringMatching(/password|keyboard-interactive/));
    });
  });
});

/** OpenSSH with a command (the board refuses commands, after login): its combined output. */
function sshOutput(port: number, options: string[]): Promise<string> {
  // Asynchronously: the board runs in this process and must answer while ssh waits.
  return new Promise((resolve) => {
    execFile(
      'ssh',
      ['-F', '/dev/null', '-p', String(port), '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', ...options, 'alice@127.0.0.1', 'true'],
      { timeout: 20_000 },
      (_err, stdout, stderr) => resolve(`${stdout}${stderr}`),
    );
  });
}

describe.runIf(hasCommand('ssh'))('no SHA-1 user-key signature', () => {
  it('an RSA key gets in with rsa-sha2 signatures, never with ssh-rsa (SHA-1) ones', async () => {
    board = await startBoard();
    const rsa = path.join(keyDir, 'id_rsa');
    execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-C', 'matrix', '-f', rsa]);
    const parsed = parsePublicKey(readFileSync(`${rsa}.pub`, 'utf8'));
    if (!parsed.ok) throw new Error(parsed.error);
    await board.board.users.create({ handle: 'alice', password: PASSWORD, key: { algo: parsed.key.algo, blob: parsed.key.blob } });
    const keyOnly = ['-i', rsa, '-o', 'IdentitiesOnly=yes', '-o', 'IdentityAgent=none', '-o', 'PasswordAuthentication=no', '-o', 'KbdInteractiveAuthentication=no'];
    expect(await sshOutput(board.port, keyOnly)).toMatch(/does not run commands/);
    expect(await sshOutput(board.port, [...keyOnly, '-o', 'PubkeyAcceptedAlgorithms=ssh-rsa'])).toMatch(/Permission denied/);
    // Refused, but not a failed login: no guess was made.
    expect(board.logs().some((l) => l.msg === 'key refused' && l.why === 'ssh-rsa (SHA-1) signature')).toBe(true);
    expect(board.logs().some((l) => l.msg === 'login failed')).toBe(false);
  });
});

describe.runIf(hasCommand('ssh'))('every host-key signature, and an ECDSA key, through OpenSSH', () => {
  // The board makes these signatures and checks the caller's with Node KeyObjects of its own.
  it.each(['ssh-ed25519', 'rsa-sha2-256', 'rsa-sha2-512'])('gets in by an ECDSA key with the %s host key', async (hostKey) => {
    board = await startBoard();
    const ecdsa = path.join(keyDir, `id_ecdsa_${hostKey}`);
    execFileSync('ssh-keygen', ['-q', '-t', 'ecdsa', '-b', '384', '-N', '', '-C', 'matrix', '-f', ecdsa]);
    const parsed = parsePublicKey(readFileSync(`${ecdsa}.pub`, 'utf8'));
    if (!parsed.ok) throw new Error(parsed.error);
    await board.board.users.create({ handle: 'alice', password: PASSWORD, key: { algo: parsed.key.algo, blob: parsed.key.blob } });
    const keyOnly = ['-i', ecdsa, '-o', 'IdentitiesOnly=yes', '-o', 'IdentityAgent=none', '-o', 'PasswordAuthentication=no', '-o', 'KbdInteractiveAuthentication=no'];
    expect(await sshOutput(board.port, [...keyOnly, '-o', `HostKeyAlgorithms=${hostKey}`])).toMatch(/does not run commands/);
  });
});

describe.runIf(hasCommand('ssh'))('no SHA-1 host-key signature', () => {
  it.each(['compatible', 'modern'] as const)('an OpenSSH client that accepts only ssh-rsa is refused (%s)', async (algorithms) => {
    board = await startBoard({ server: { algorithms } });
    const result = await sshOutput(board.port, ['-o', 'HostKeyAlgorithms=ssh-rsa']);
    expect(result).toMatch(/no matching host key type found\. Their offer: rsa-sha2-512,rsa-sha2-256,ssh-ed25519/);
  });
});
