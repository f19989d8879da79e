/**
 * The board with several worker processes keeps one room: callers on different workers see one
 * /who, one capacity, one count of nodes and one session per account; they see each other's
 * presence (away), reach a caller waiting outside the full room, and a sysop's /kick and /ban
 * reach a caller on the other worker. A worker killed outright gives back its callers' nodes and seats,
 * the others hear them leave once, and it is replaced.
 * The front door's per-address shares and version-line deadline are the primary's, for every worker.
 * The real entry point runs with server.workers: 2; callers are real ssh2 clients.
 */
import { once } from 'node:events';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { muteThenKick, privateLineAndReply, whoUntil } from '../helpers/across.js';
import { connectCaller, connectClient, type Caller } from '../helpers/caller.js';
import { occurrences } from '../helpers/room.js';
import { startWorkerBoard, type WorkerBoard } from '../helpers/workers.js';

const PASSWORD = 'correct horse battery';
const WAIT_MS = 20_000;
let board: WorkerBoard | undefined;
const callers: Caller[] = [];

afterEach(async () => {
  for (const caller of callers.splice(0)) caller.client.destroy();
  await board?.close();
  board = undefined;
});

async function call(handle: string): Promise<Caller> {
  const caller = await connectCaller(board!.port, { username: handle, password: PASSWORD });
  caller.client.on('error', () => undefined);
  callers.push(caller);
  return caller;
}

async function enter(handle: string): Promise<Caller> {
  const caller = await call(handle);
  await caller.waitFor(`*** ${handle} has joined the chat ***`, WAIT_MS);
  await expect.poll(() => board!.workerOf(handle)).toBeDefined();
  return caller;
}

describe('a board with two workers', () => {
  it('keeps one /who, one capacity and one count of nodes for callers on different workers', async () => {
    const config = 'bbs:\n  name: Test BBS\nconnection:\n  max_nodes: 3\nchat:\n  capacity: 2\n';
    board = await startWorkerBoard({ workers: 2, config, users: ['alice', 'bob', 'carol', 'dave'], password: PASSWORD });
    const alice = await enter('alice');
    const bob = await enter('bob');
    expect(board.workerOf('alice')).not.toBe(board.workerOf('bob'));
    await alice.waitFor('*** bob has joined the chat ***', WAIT_MS);
    await Promise.all([alice.waitFor('alice | 2 in room', WAIT_MS), bob.waitFor('bob | 2 in room', WAIT_MS)]);

    alice.type('/who\r');
    await alice.waitFor('In the room (2):', WAIT_MS);
    await alice.waitFor(/alice +node 1/, WAIT_MS);
    await alice.waitFor(/bob +node 2/, WAIT_MS);

    const carol = await call('carol');
    await carol.waitFor('Chat room is at capacity', WAIT_MS);
    const dave = await call('dave');
    await dave.waitFor('All 3 lines of Test BBS are busy', WAIT_MS);
    expect(new Set([board.workerOf('alice'), board.workerOf('bob'), board.workerOf('carol')]).size).toBe(2);
  });

  it('ends the first session when the same account logs in on another worker', async () => {
    board = await startWorkerBoard({ workers: 2, config: 'bbs:\n  name: Test BBS\n', users: ['alice'], password: PASSWORD });
    const first = await enter('alice');
    const firstWorker = board.workerOf('alice');
    const second = await call('alice');
    await first.waitFor('You logged in to Test BBS from somewhere else', WAIT_MS);
    await first.closed;
    await second.waitFor('*** alice has joined the chat ***', WAIT_MS);
    expect(board.workerOf('alice')).not.toBe(firstWorker);
    second.type('/who\r');
    await second.waitFor('In the room (1):', WAIT_MS);
    await second.waitFor(/alice +node \d/, WAIT_MS);
  });

  it('shows /away on one worker in /who and /whois on the other, and the return too', async () => {
    board = await startWorkerBoard({ workers: 2, config: 'bbs:\n  name: Test BBS\n', users: ['alice', 'bob'], password: PASSWORD });
    const alice = await enter('alice');
    const bob = await enter('bob');
    expect(board.workerOf('alice')).not.toBe(board.workerOf('bob'));
    await alice.waitFor('*** bob has joined the chat ***', WAIT_MS);

    bob.type('/away gone fishing\r');
    await bob.waitFor('You are away: gone fishing.', WAIT_MS);
    // bob's screen says so at once; alice's worker hears it through the primary a moment later.
    await whoUntil(alice, /bob +node \d +away \d+m: gone fishing/, WAIT_MS);
    alice.type('/whois bob\r');
    await alice.waitFor(/node \d, away \d+m: gone fishing\./, WAIT_MS);

    bob.type('back again\r');
    await bob.waitFor('Welcome back', WAIT_MS);
    // His return went to the primary before his line: once alice has the line, her worker has it.
    await alice.waitFor('bob: back again', WAIT_MS);
    const awaySoFar = occurrences(alice.screen(), 'gone fishing');
    alice.type('/who\r');
    // Only a /who made after bob came back has a line for him without "away".
    await alice.waitFor(/bob +node \d *$/m, WAIT_MS);
    expect(occurrences(alice.screen(), 'gone fishing')).toBe(awaySoFar);
  });

  it('reaches a caller waiting outside the full room on the other worker with /msg, and hears the reply', async () => {
    const config = 'bbs:\n  name: Test BBS\nchat:\n  capacity: 1\n';
    board = await startWorkerBoard({ workers: 2, config, users: ['alice', 'bob'], password: PASSWORD });
    const alice = await enter('alice');
    const bob = await call('bob');
    await bob.waitFor('Chat room is at capacity', WAIT_MS);
    await expect.poll(() => board!.workerOf('bob')).toBeDefined();
    expect(board.workerOf('bob')).not.toBe(board.workerOf('alice'));

    await privateLineAndReply(alice, bob, WAIT_MS);
  });

  it('mutes, tells and then kicks a caller on the other worker from the room', async () => {
    board = await startWorkerBoard({ workers: 2, config: 'bbs:\n  name: Test BBS\n', users: ['bob'], sysops: ['SysOp'], password: PASSWORD });
    const sysop = await enter('SysOp');
    const bob = await enter('bob');
    expect(board.workerOf('bob')).not.toBe(board.workerOf('SysOp'));
    await muteThenKick(sysop, bob, WAIT_MS);
  });

  it('bans a caller on the other worker: the call ends with why, and the room hears it once', async () => {
    board = await startWorkerBoard({ workers: 2, config: 'bbs:\n  name: Test BBS\n', users: ['bob'], sysops: ['SysOp'], password: PASSWORD });
    const sysop = await enter('SysOp');
    const bob = await enter('bob');
    expect(board.workerOf('bob')).not.toBe(board.workerOf('SysOp'));
    sysop.type('/ban bob 1h spam\r');
    await bob.waitFor('The account bob is banned from Test BBS until', WAIT_MS);
    await bob.closed;
    // Said by bob's worker as the call ends (its account watch may find the ban first), not also by the sysop's.
    await sysop.waitFor(/\*\*\* bob was banned by SysOp until .* UTC: spam \*\*\*/, WAIT_MS);
    sysop.type('after the ban\r');
    await sysop.waitFor('SysOp: after the ban', WAIT_MS);
    expect(occurrences(sysop.screen(), 'bob was banned by SysOp')).toBe(1);
  });

  it('gives back the nodes and seats of a worker killed with SIGKILL, once, and replaces it', async () => {
    const config = 'connection:\n  max_nodes: 3\nchat:\n  capacity: 3\n';
    board = await startWorkerBoard({ workers: 2, config, users: ['alice', 'bob', 'carol', 'dave'], password: PASSWORD });
    const inRoom = { alice: await enter('alice'), bob: await enter('bob'), carol: await enter('carol') };
    const victim = board.workerOf('alice')!;
    const gone = (['alice', 'bob', 'carol'] as const).filter((h) => board!.workerOf(h) === victim);
    const staying = (['alice', 'bob', 'carol'] as const).filter((h) => board!.workerOf(h) !== victim);
    expect(staying.length).toBeGreaterThan(0);
    for (const handle of staying) await inRoom[handle].waitFor('*** carol has joined the chat ***', WAIT_MS);

    process.kill(victim, 'SIGKILL');
    for (const handle of staying) {
      for (const left of gone) await inRoom[handle].waitFor(`*** ${left} has left the chat ***`, WAIT_MS);
    }
    // Every line was taken and the room held three: dave gets in only if the dead worker's were given back.
    await expect.poll(() => board!.workers().length, { timeout: WAIT_MS }).toBe(3);
    const dave = await enter('dave');
    const listener = inRoom[staying[0]!];
    listener.type('still here\r');
    await dave.waitFor(`${staying[0]}: still here`, WAIT_MS);
    await listener.waitFor('still here', WAIT_MS);
    for (const left of gone) expect(occurrences(listener.screen(), `*** ${left} has left the chat ***`)).toBe(1);
    expect(board.process.lines.filter((l) => l.msg === 'worker died; starting another' && l.worker === victim)).toHaveLength(1);
  });

  it('holds one address to its pre-login share across workers, and drops silent sockets on the primary’s clock', async () => {
    const config = 'connection:\n  max_unauthenticated_per_ip: 2\n  version_seconds: 5\n  login_grace_seconds: 60\n';
    board = await startWorkerBoard({ workers: 2, config, users: ['alice'], password: PASSWORD });
    // Two silent sockets from one address, handed to the workers in turn: one each.
    const silent = [];
    for (let i = 0; i < 2; i++) {
      const socket = net.connect({ port: board.port, host: '127.0.0.1', localAddress: '127.0.9.1' });
      socket.on('error', () => undefined);
      silent.push({ socket, closed: once(socket, 'close') });
      await once(socket, 'data');
    }
    await expect(connectClient(board.port, { username: 'alice', password: PASSWORD, localAddress: '127.0.9.1' })).rejects.toThrow(
      /Too many connections from your address/,
    );
    const elsewhere = await call('alice');
    await elsewhere.waitFor(/node 1|Node 1/, WAIT_MS);
    for (const { closed } of silent) await closed;
    const dropped = board.process.lines.filter((l) => l.reason === 'no_version' && l.ip === '127.0.9.1');
    expect(dropped.length).toBeGreaterThanOrEqual(1);
  });
});

