/**
 * Password guessing against the real board: a per-account delay across addresses that a bound key
 * walks past, a bounded queue of password checks that refuses politely, and failed keys logged
 * like failed passwords.
 */
import { utils, Client } from 'ssh2';
import { afterEach, describe, expect, it } from 'vitest';
import { startBoard, type TestBoard } from '../helpers/board.js';
import { connectCaller, connectClient, type Caller } from '../helpers/caller.js';
import { fillHashQueue } from '../helpers/hash-queue.js';
import { generateKeyPair } from '../../src/keys/generate.js';

const PASSWORD = 'correct horse battery';
let board: TestBoard | undefined;
const callers: Caller[] = [];

afterEach(async () => {
  for (const caller of callers.splice(0)) caller.end();
  await board?.close();
  board = undefined;
});

/**
 * One keyboard-interactive login: 'ready' or 'refused'. (ssh2's client answers a notice without
 * prompts by itself, so what the board said is read from its log.)
 */
function keyboardLogin(port: number, username: string, password: string, localAddress?: string): Promise<'ready' | 'refused'> {
  return new Promise((resolve) => {
    const client = new Client();
    client.on('keyboard-interactive', (_name, _instructions, _lang, prompts, finish) => finish(prompts.map(() => password)));
    client.on('ready', () => {
      client.end();
      resolve('ready');
    });
    client.on('error', () => resolve('refused'));
    client.connect({ host: '127.0.0.1', port, username, localAddress, authHandler: ['keyboard-interactive'], tryKeyboard: true, hostVerifier: () => true, readyTimeout: 20_000 });
  });
}

describe('login guard', () => {
  it('slows guessing at one account from many addresses, but a bound key gets in at once', async () => {
    board = await startBoard({ auth: { max_login_attempts: 2 } });
    const key = generateKeyPair('ed25519');
    const pub = utils.parseKey(key.public);
    if (pub instanceof Error) throw pub;
    await board.board.users.create({ handle: 'alice', password: PASSWORD, key: { algo: pub.type, blob: pub.getPublicSSH() } });
    for (let i = 1; i <= 2; i++) expect(await keyboardLogin(board.port, 'alice', 'wrong guess!', `127.0.8.${i}`)).toBe('refused');
    // The account now waits, whatever address the next guess comes from — the right password too.
    expect(await keyboardLogin(board.port, 'alice', 'wrong guess!', '127.0.8.3')).toBe('refused');
    expect(await keyboardLogin(board.port, 'alice', PASSWORD, '127.0.8.4')).toBe('refused');
    expect(board.logs().filter((l) => l.msg === 'login refused: locked out')).toHaveLength(2);
    const byKey = await connectCaller(board.port, { username: 'alice', privateKey: key.private, authHandler: ['publickey'], localAddress: '127.0.8.5' });
    callers.push(byKey);
    await byKey.waitFor(/node 1|Node 1/);
    expect(board.logs().filter((l) => l.msg === 'login failed')).toHaveLength(2);
  });

  it('refuses a password politely when too many checks are already queued', async () => {
    board = await startBoard({ auth: { max_concurrent_hashes: 1, max_waiting_hashes: 2 } });
    await board.board.users.create({ handle: 'alice', password: PASSWORD });
    const full = fillHashQueue(board, 'alice');
    const first = await keyboardLogin(board.port, 'alice', PASSWORD);
    await full.stop();
    expect(first).toBe('refused');
    expect(await keyboardLogin(board.port, 'alice', PASSWORD)).toBe('ready');
    expect(board.logs().some((l) => l.msg === 'login refused: busy' && l.reason === 'hash_queue_full')).toBe(true);
  });

  it('an unbound key is not a failed login: it is logged by its fingerprint and the password is asked for', async () => {
    board = await startBoard();
    await board.board.users.create({ handle: 'alice', password: PASSWORD });
    const key = generateKeyPair('ed25519');
    await expect(connectClient(board.port, { username: 'alice', privateKey: key.private, authHandler: ['publickey'] })).rejects.toThrow(
      /authentication methods failed/,
    );
    expect(board.logs().some((l) => l.msg === 'login failed')).toBe(false);
    const asked = board.logs().find((l) => l.msg === 'key not bound to the account; asking for a password');
    expect(asked).toMatchObject({ user: 'alice', fingerprint: expect.stringMatching(/^SHA256:/) });
    expect(board.rawLogs()).not.toContain(key.public.split(' ')[1]!);
  });
});
