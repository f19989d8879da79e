/**
 * The front door under pressure, through real sockets and ssh2 clients from distinct loopback
 * addresses (127.x.y.z via localAddress): silent sockets are dropped, a full pool makes room for
 * a real caller, refused SSH clients are told why, registration forms have their own pool, and
 * refusals are logged once per address with a count.
 */
import { once } from 'node:events';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startBoard, type TestBoard } from '../helpers/board.js';
import { connectCaller, connectClient, type Caller } from '../helpers/caller.js';

const PASSWORD = 'correct horse battery';
let board: TestBoard | undefined;
const callers: Caller[] = [];
const sockets: net.Socket[] = [];

afterEach(async () => {
  for (const caller of callers.splice(0)) caller.end();
  for (const socket of sockets.splice(0)) socket.destroy();
  await board?.close();
  board = undefined;
});

/** A TCP connection that never says anything; resolves once the board has sent its version line. */
async function silent(port: number, localAddress: string): Promise<{ socket: net.Socket; closed: Promise<unknown> }> {
  const socket = net.connect({ port, host: '127.0.0.1', localAddress });
  socket.on('error', () => undefined);
  sockets.push(socket);
  const closed = once(socket, 'close');
  await once(socket, 'data');
  return { socket, closed };
}

async function call(options: Parameters<typeof connectCaller>[1]): Promise<Caller> {
  const caller = await connectCaller(board!.port, options);
  callers.push(caller);
  return caller;
}

describe('admission', () => {
  it('drops a connection that sends no SSH version line within version_seconds', async () => {
    board = await startBoard({ connection: { version_seconds: 1, login_grace_seconds: 60 } });
    const { closed } = await silent(board.port, '127.0.0.2');
    await closed;
    await expect.poll(() => board!.logs().some((l) => l.reason === 'no_version' && l.ip === '127.0.0.2')).toBe(true);
  });

  it('makes room for a real caller when silent sockets fill the pre-login pool', async () => {
    board = await startBoard({ connection: { max_unauthenticated: 4, max_unauthenticated_per_ip: 2, version_seconds: 30 } });
    await board.board.users.create({ handle: 'alice', password: PASSWORD });
    const held = [];
    for (const address of ['127.0.1.1', '127.0.1.1', '127.0.1.2', '127.0.1.2']) held.push(await silent(board.port, address));
    const alice = await call({ username: 'alice', password: PASSWORD, localAddress: '127.0.2.1' });
    await alice.waitFor(/node 1|Node 1/);
    await held[0]!.closed; // the oldest silent one made room
    expect(board.logs().some((l) => l.reason === 'evicted' && l.ip === '127.0.1.1')).toBe(true);
  });

  it('tells an SSH client refused for its address why, in words', async () => {
    board = await startBoard({ connection: { max_unauthenticated_per_ip: 1, version_seconds: 30 } });
    await board.board.users.create({ handle: 'alice', password: PASSWORD });
    await silent(board.port, '127.0.3.1');
    await expect(connectClient(board.port, { username: 'alice', password: PASSWORD, localAddress: '127.0.3.1' })).rejects.toThrow(
      /Too many connections from your address/,
    );
    const elsewhere = await call({ username: 'alice', password: PASSWORD, localAddress: '127.0.3.2' });
    await elsewhere.waitFor(/node 1|Node 1/);
  });

  it('gives registration forms their own pool, and tells the caller who finds it full', async () => {
    board = await startBoard({ connection: { max_registering: 1, max_unauthenticated: 2 } });
    await board.board.users.create({ handle: 'alice', password: PASSWORD });
    const first = await call({ username: 'new', localAddress: '127.0.4.1' });
    await first.waitFor('Handle');
    const second = await call({ username: 'new', localAddress: '127.0.4.2' });
    await second.waitFor(/Too many people are registering/);
    await second.closed;
    // The open form holds no pre-login place: two members can still log in side by side.
    const a = await call({ username: 'alice', password: PASSWORD, localAddress: '127.0.4.3' });
    await a.waitFor(/node/i);
    expect(board.board.nodes.inUse()).toBe(1);
  });

  it('limits new accounts per address per hour', async () => {
    board = await startBoard({ auth: { registrations_per_hour: 1 } });
    const first = await call({ username: 'new', localAddress: '127.0.5.1' });
    await first.waitFor('Handle');
    first.type(`alice\r${PASSWORD}\r${PASSWORD}\r`);
    await first.waitFor(/node 1|Node 1/);
    const again = await call({ username: 'new', localAddress: '127.0.5.1' });
    await again.waitFor(/Too many new accounts/);
    const elsewhere = await call({ username: 'new', localAddress: '127.0.5.2' });
    await elsewhere.waitFor('Handle');
  });

  it('logs refusals once per address and reason per interval, with a count', async () => {
    board = await startBoard({ connection: { max_per_ip: 1, version_seconds: 30 } });
    await silent(board.port, '127.0.6.1');
    for (let i = 0; i < 5; i++) {
      const refused = net.connect({ port: board.port, host: '127.0.0.1', localAddress: '127.0.6.1' });
      refused.on('error', () => undefined);
      refused.resume();
      refused.end();
      await once(refused, 'close');
    }
    const lines = board.logs().filter((l) => l.reason === 'max_per_ip');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ ip: '127.0.6.1', port: expect.any(Number), count: 1, msg: 'connection refused' });
    await board.close();
    const summary = board.logs().filter((l) => l.reason === 'max_per_ip' && l.msg === 'connections refused');
    expect(summary).toEqual([expect.objectContaining({ ip: '127.0.6.1', count: 4 })]);
    board = undefined;
  });
});
