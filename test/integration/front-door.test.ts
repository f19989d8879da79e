/**
 * The board's front door through a real ssh2 client: registration, logins, lockout, lines, channel
 * policy and hostile PTYs. Screens are read through a headless terminal emulator.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startBoard, type TestBoard } from '../helpers/board.js';
import { connectCaller, connectClient, type Caller } from '../helpers/caller.js';
import { generateKeyPair } from '../../src/keys/generate.js';

const PASSWORD = 'correct horse battery';
let board: TestBoard | undefined;
const callers: Caller[] = [];

afterEach(async () => {
  for (const caller of callers.splice(0)) caller.end();
  await board?.close();
  board = undefined;
});

async function call(options: Parameters<typeof connectCaller>[1]): Promise<Caller> {
  const caller = await connectCaller(board!.port, options);
  callers.push(caller);
  return caller;
}

async function register(handle: string, password = PASSWORD, privateKey?: string): Promise<Caller> {
  const caller = await call({ username: 'new', privateKey });
  await caller.waitFor('Handle');
  caller.type(`${handle}\r`);
  caller.type(`${password}\r`);
  caller.type(`${password}\r`);
  return caller;
}

describe('registration', () => {
  it('registers a newcomer who is then on a node, and the account can log in', async () => {
    board = await startBoard();
    const caller = await register('alice');
    await caller.waitFor('alice');
    await caller.waitFor(/node 1|Node 1/);
    expect((await board.board.users.findByHandle('ALICE'))?.handle).toBe('alice');
    caller.end();
    await caller.closed;

    const again = await call({ username: 'Alice', password: PASSWORD });
    await again.waitFor(/node 1|Node 1/);
    expect(board.rawLogs()).not.toContain(PASSWORD);
  });

  it('explains a taken or reserved handle on the form and lets the caller try again', async () => {
    board = await startBoard();
    await board.board.users.create({ handle: 'bob', password: PASSWORD });
    const caller = await call({ username: 'new' });
    await caller.waitFor('Handle');
    caller.type('sysop\r');
    await caller.waitFor('reserved');
    caller.type('\x15BOB\r'); // Ctrl-U clears the field
    // A taken handle is said when it is typed, before any password.
    await caller.waitFor('taken');
    caller.type(`\x15carol\r${PASSWORD}\r${PASSWORD}\r`);
    await caller.waitFor(/node 1|Node 1/);
    expect(await board.board.users.findByHandle('carol')).toBeDefined();
  });

  it('refuses passwords that do not match and keeps the caller on the form', async () => {
    board = await startBoard();
    const caller = await call({ username: 'new' });
    await caller.waitFor('Handle');
    caller.type(`dave\r${PASSWORD}\rsomething else\r`);
    await caller.waitFor(/do not match|don't match/i);
    caller.type(`${PASSWORD}\r${PASSWORD}\r`);
    await caller.waitFor(/node 1|Node 1/);
  });

  it('Esc leaves the form without an account', async () => {
    board = await startBoard();
    const caller = await call({ username: 'new' });
    await caller.waitFor('Handle');
    caller.type('erin');
    caller.type('\x1b');
    await caller.closed;
    expect(await board.board.users.findByHandle('erin')).toBeUndefined();
    expect(board.board.nodes.inUse()).toBe(0);
  });

  it('binds the public key the newcomer offered, so the next login needs no password', async () => {
    board = await startBoard();
    const key = generateKeyPair('ed25519');
    const caller = await call({ username: 'new', privateKey: key.private, authHandler: ['publickey'] });
    await caller.waitFor('Handle');
    await caller.waitFor('SHA256:');
    caller.type(`frank\r${PASSWORD}\r${PASSWORD}\r`);
    caller.type('y\r');
    await caller.waitFor(/node 1|Node 1/);
    caller.end();
    await caller.closed;

    const byKey = await call({ username: 'frank', privateKey: key.private, authHandler: ['publickey'] });
    await byKey.waitFor(/node 1|Node 1/);
  });
});

describe('logging in', () => {
  it('accepts the password by the password and the keyboard-interactive methods', async () => {
    board = await startBoard();
    await board.board.users.create({ handle: 'alice', password: PASSWORD });
    await board.board.users.create({ handle: 'bob', password: PASSWORD });
    const byPassword = await call({ username: 'alice', password: PASSWORD, authHandler: ['password'] });
    await byPassword.waitFor(/node 1|Node 1/);
    const byKeyboard = await call({ username: 'bob', password: PASSWORD, authHandler: ['keyboard-interactive'] });
    await byKeyboard.waitFor(/node 2|Node 2/);
  });

  it('a second login to the same account takes over from the first', async () => {
    board = await startBoard();
    await board.board.users.create({ handle: 'alice', password: PASSWORD });
    const first = await call({ username: 'alice', password: PASSWORD });
    await first.waitFor(/node 1|Node 1/);
    const second = await call({ username: 'alice', password: PASSWORD });
    await first.waitFor(/somewhere else/);
    await first.closed;
    await second.waitFor(/node 1|Node 1/);
    expect(board.board.nodes.inUse()).toBe(1);
  });

  it('refuses a wrong password, then locks the account out from that address', async () => {
    board = await startBoard({ auth: { max_login_attempts: 2, lockout_minutes: 15 } });
    await board.board.users.create({ handle: 'alice', password: PASSWORD });
    const wrong = { username: 'alice', password: 'wrong password!', authHandler: ['password'] as const };
    await expect(connectClient(board.port, { ...wrong, authHandler: ['password'] })).rejects.toThrow(/authentication methods failed/);
    await expect(connectClient(board.port, { ...wrong, authHandler: ['password'] })).rejects.toThrow(/authentication methods failed/);
    // Locked out now: even the right password is refused, and the client is told why.
    await expect(connectClient(board.port, { username: 'alice', password: PASSWORD, authHandler: ['password'] })).rejects.toThrow(
      /Too many failed logins\. Try again in \d+ minutes\./,
    );
    expect(board.logs().some((l) => l.msg === 'login refused: locked out')).toBe(true);
    expect(board.rawLogs()).not.toContain(PASSWORD);
    expect(board.rawLogs()).not.toContain('wrong password!');
  });

  it('refuses a key that is not bound to the account', async () => {
    board = await startBoard();
    await board.board.users.create({ handle: 'alice', password: PASSWORD });
    const key = generateKeyPair('ed25519');
    await expect(connectClient(board.port, { username: 'alice', privateKey: key.private, authHandler: ['publickey'] })).rejects.toThrow(
      /authentication methods failed/,
    );
  });

  it('tells a banned caller so and hangs up', async () => {
    board = await startBoard();
    await board.board.users.create({ handle: 'mallory', password: PASSWORD });
    await board.board.users.setBanned('mallory', true);
    const caller = await call({ username: 'mallory', password: PASSWORD });
    await caller.waitFor('banned');
    await caller.closed;
    expect(board.board.nodes.inUse()).toBe(0);
  });
});

describe('nodes', () => {
  it('shows "line busy" when every node is taken, and frees a node when a caller drops', async () => {
    board = await startBoard({ connection: { max_nodes: 2 } }, { lineBusyMs: 60_000 });
    for (const handle of ['alice', 'bob', 'carol']) await board.board.users.create({ handle, password: PASSWORD });
    const alice = await call({ username: 'alice', password: PASSWORD });
    await alice.waitFor(/node 1|Node 1/);
    const bob = await call({ username: 'bob', password: PASSWORD });
    await bob.waitFor(/node 2|Node 2/);

    const carol = await call({ username: 'carol', password: PASSWORD });
    await carol.waitFor(/All 2 lines .*busy/i);
    carol.type('x'); // any key hangs up
    await carol.closed;
    expect(board.board.nodes.inUse()).toBe(2);

    alice.client.destroy(); // a dropped connection, no goodbye
    await expect.poll(() => board!.board.nodes.inUse()).toBe(1);
    const carolAgain = await call({ username: 'carol', password: PASSWORD });
    await carolAgain.waitFor(/node 1|Node 1/);
  });
});

describe('channel policy and hostile terminals', () => {
  it('refuses exec with a message', async () => {
    board = await startBoard();
    await board.board.users.create({ handle: 'alice', password: PASSWORD });
    const client = await connectClient(board.port, { username: 'alice', password: PASSWORD });
    const { output, code } = await new Promise<{ output: string; code: number }>((resolve, reject) => {
      client.exec('cat /etc/passwd', (err, stream) => {
        if (err) return reject(err);
        let output = '';
        let code = -1;
        stream.on('data', (d: Buffer) => (output += d.toString()));
        stream.on('exit', (c: number) => (code = c));
        stream.on('close', () => resolve({ output, code }));
      });
    });
    expect(code).not.toBe(0);
    expect(output).toMatch(/does not run commands/);
    expect(output).not.toContain('root:');
    client.end();
  });

  it('refuses a shell without a PTY with a message', async () => {
    board = await startBoard();
    await board.board.users.create({ handle: 'alice', password: PASSWORD });
    const caller = await call({ username: 'alice', password: PASSWORD, pty: false });
    let output = '';
    caller.stream.on('data', (d: Buffer) => (output += d.toString()));
    await caller.closed;
    expect(output).toMatch(/interactive terminal/);
    expect(board.board.nodes.inUse()).toBe(0);
  });

  it.each([
    ['0x0', 0, 0, { cols: 80, rows: 24 }],
    ['65535x65535', 65535, 65535, { cols: 500, rows: 200 }],
  ])('survives a %s PTY and a hostile TERM', async (_name, cols, rows, screenSize) => {
    board = await startBoard();
    await board.board.users.create({ handle: 'alice', password: PASSWORD });
    // The board clamps what it is given; the emulator is made the size the board will draw.
    const caller = await call({ username: 'alice', password: PASSWORD, cols, rows, term: '/etc/passwd', screenSize });
    await caller.waitFor('alice');
    caller.stream.setWindow(65535, 65535, 0, 0);
    caller.stream.setWindow(0, 0, 0, 0);
    caller.resize(100, 30);
    await caller.waitFor('alice');
    expect(board.board.nodes.inUse()).toBe(1);
  });
});

describe('connection guard', () => {
  it('lists the remaining methods with every rejection', async () => {
    board = await startBoard();
    await board.board.users.create({ handle: 'alice', password: PASSWORD });
    const offered: string[][] = [];
    const tried = ['password'];
    await expect(
      connectClient(board.port, {
        username: 'alice',
        authHandler: (methodsLeft, _partial, next) => {
          if (methodsLeft) offered.push([...methodsLeft].sort());
          const method = tried.shift();
          // false ends authentication (ssh2's docs; its typings leave it out)
          return next(method ? { type: 'password', username: 'alice', password: 'nope nope nope' } : (false as never));
        },
      }),
    ).rejects.toThrow(/authentication methods failed/);
    expect(offered.length).toBeGreaterThan(0);
    for (const methods of offered) expect(methods).toEqual(['keyboard-interactive', 'password', 'publickey']);
  });

  it('refuses SFTP and port forwarding', async () => {
    board = await startBoard();
    await board.board.users.create({ handle: 'alice', password: PASSWORD });
    const client = await connectClient(board.port, { username: 'alice', password: PASSWORD });
    await expect(new Promise((resolve, reject) => client.sftp((err, sftp) => (err ? reject(err) : resolve(sftp))))).rejects.toThrow();
    await expect(
      new Promise((resolve, reject) => client.forwardOut('127.0.0.1', 1, '127.0.0.1', 22, (err, ch) => (err ? reject(err) : resolve(ch)))),
    ).rejects.toThrow();
    await expect(new Promise((resolve, reject) => client.forwardIn('127.0.0.1', 0, (err, port) => (err ? reject(err) : resolve(port))))).rejects.toThrow();
    client.end();
  });
});
