/**
 * Several instances of the board on one real redis-server are one board: real board processes on
 * their own ports, real ssh2 callers. Lines cross instances in one order, /who is one list,
 * max_nodes and the room's capacity are one count, a second login takes over across instances, a
 * lockout holds everywhere, a killed instance's callers are given back once, a Redis restart loses
 * no line, and an instance with other host keys is refused. (Presence and waiting outside:
 * redis-community.test.ts.)
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareBoardFolder } from '../helpers/board-folder.js';
import { connectClient } from '../helpers/caller.js';
import { runBoardProcess } from '../helpers/process.js';
import { useRedisBoard } from '../helpers/redis-board.js';
import { occurrences } from '../helpers/room.js';

const PASSWORD = 'correct horse battery';
const WAIT_MS = 20_000;
const USERS = ['alice', 'bob', 'carol', 'dave'];
const shared = useRedisBoard(PASSWORD, WAIT_MS);
const { call, enter } = shared;

/**
 * What /who shows for these callers, in this order: handle, node, handle, node… (node 0: any).
 * Each caller is a row of its own under the count.
 */
function who(...entries: Array<string | number>): RegExp {
  const rows: string[] = [];
  for (let i = 0; i + 1 < entries.length; i += 2) rows.push(`${entries[i]} +node ${entries[i + 1] === 0 ? '\\d' : entries[i + 1]}`);
  return new RegExp(`In the room \\(${rows.length}\\):\\s+${rows.join('\\b.*\\s+')}\\b`);
}

/** The chat lines a screen shows, in order. */
const said = (screen: string) => [...screen.matchAll(/(alice|bob|carol): (\w+-\d+)/g)].map((m) => `${m[1]}: ${m[2]}`);

describe('instances sharing one Redis', () => {
  it('two instances: lines cross in one order, /who is one list, max_nodes and capacity are one count', async () => {
    const config = 'bbs:\n  name: Test BBS\nconnection:\n  max_nodes: 3\nchat:\n  capacity: 2\n  flood_burst: 20\n';
    const board = await shared.start({ count: 2, config, users: USERS });
    const alice = await enter(0, 'alice');
    const bob = await enter(1, 'bob');
    await alice.waitFor('*** bob has joined the chat ***', WAIT_MS);
    bob.type('/who\r');
    await bob.waitFor(who('alice', 1, 'bob', 2), WAIT_MS);

    for (let i = 1; i <= 4; i++) {
      alice.type(`a-${i}\r`);
      bob.type(`b-${i}\r`);
    }
    await Promise.all([alice.waitFor('bob: b-4', WAIT_MS), bob.waitFor('alice: a-4', WAIT_MS)]);
    await Promise.all([alice.waitFor('alice: a-4', WAIT_MS), bob.waitFor('bob: b-4', WAIT_MS)]);
    const order = said(alice.screen());
    expect(order).toHaveLength(8);
    expect(said(bob.screen())).toEqual(order);
    expect(order.filter((l) => l.startsWith('alice'))).toEqual(['alice: a-1', 'alice: a-2', 'alice: a-3', 'alice: a-4']);

    alice.type('/msg bob psst-1\r');
    await bob.waitFor('psst-1', WAIT_MS);

    const carol = await call(1, 'carol');
    await carol.waitFor('Chat room is at capacity', WAIT_MS);
    const dave = await call(0, 'dave');
    await dave.waitFor('All 3 lines of Test BBS are busy', WAIT_MS);
  });

  it('a second login of an account on another instance takes over the first', async () => {
    const board = await shared.start({ count: 2, config: 'bbs:\n  name: Test BBS\n', users: USERS });
    const bob = await enter(1, 'bob');
    const first = await enter(0, 'alice');
    const second = await call(1, 'alice');
    await first.waitFor('You logged in to Test BBS from somewhere else', WAIT_MS);
    await first.closed;
    await second.waitFor('*** alice has joined the chat ***', WAIT_MS);
    second.type('/who\r');
    await second.waitFor(who('bob', 0, 'alice', 0), WAIT_MS);
    // Comings and goings are drawn within a quarter of a second, not at once.
    await bob.waitFor('*** alice has left the chat ***', WAIT_MS);
    expect(occurrences(bob.screen(), '*** alice has left the chat ***')).toBe(1);
  });

  it('a login lockout made on one instance holds on the others', async () => {
    const config = 'auth:\n  max_login_attempts: 2\n';
    const board = await shared.start({ count: 2, config, users: USERS });
    const wrong = { username: 'alice', password: 'not the password', keyboardAnswer: 'not the password' };
    // Two wrong answers (password, then keyboard-interactive) end the connection, saying why.
    await expect(connectClient(board.list[0]!.port, wrong)).rejects.toThrow('Too many failed login attempts. Goodbye.');
    await expect(connectClient(board.list[0]!.port, wrong)).rejects.toThrow(/Too many failed logins\. Try again in/);
    await expect(connectClient(board.list[1]!.port, { username: 'alice', password: PASSWORD })).rejects.toThrow(/Too many failed logins\. Try again in/);
    const refusedOnB = () => board!.list[1]!.process.lines.some((l) => l.msg === 'login refused: locked out' && l.user === 'alice');
    await expect.poll(refusedOnB).toBe(true);
    // Another account from the same address is not locked: the lock is on the pair.
    (await connectClient(board.list[1]!.port, { username: 'bob', password: PASSWORD })).end();
  });

  it('three instances: kill -9 of one gives back its callers within the heartbeat bound, heard once', async () => {
    const config = 'room:\n  heartbeat_seconds: 1\nconnection:\n  max_nodes: 3\nchat:\n  capacity: 3\n';
    const board = await shared.start({ count: 3, config, users: USERS });
    const alice = await enter(0, 'alice');
    const bob = await enter(1, 'bob');
    await enter(2, 'carol');
    await Promise.all([alice.waitFor('*** carol has joined the chat ***', WAIT_MS), bob.waitFor('*** carol has joined the chat ***', WAIT_MS)]);

    board.list[2]!.process.child.kill('SIGKILL');
    // 3 missed heartbeats and one reaping tick: 4 s, with room for a busy machine.
    const bound = 4000 + 6000;
    await Promise.all([alice.waitFor('*** carol has left the chat ***', bound), bob.waitFor('*** carol has left the chat ***', bound)]);
    // Every line was taken: dave gets one only because carol's came back.
    const dave = await enter(0, 'dave');
    bob.type('/who\r');
    await bob.waitFor(who('alice', 1, 'bob', 2, 'dave', 3), WAIT_MS);
    dave.type('still-1\r');
    await alice.waitFor('dave: still-1', WAIT_MS);
    for (const caller of [alice, bob]) expect(occurrences(caller.screen(), '*** carol has left the chat ***')).toBe(1);
    const reaped = () => board!.list.flatMap((i) => i.process.lines).filter((l) => l.msg === 'gave back the callers of instances that stopped beating');
    await expect.poll(reaped).toEqual([expect.objectContaining({ instances: 1, seats: 1, nodes: 1 })]);
  });

  it('an instance stalled past its expiry is counted gone once; when it wakes it ends those calls, and they can call again', async () => {
    const config = 'room:\n  heartbeat_seconds: 1\nconnection:\n  max_nodes: 2\n';
    const board = await shared.start({ count: 2, config, users: USERS });
    const alice = await enter(0, 'alice');
    const bob = await enter(1, 'bob');
    await alice.waitFor('*** bob has joined the chat ***', WAIT_MS);

    const stalled = board.list[1]!.process.child;
    stalled.kill('SIGSTOP');
    await alice.waitFor('*** bob has left the chat ***', WAIT_MS);
    stalled.kill('SIGCONT');
    await bob.waitFor('lost touch with the others', WAIT_MS);
    await bob.closed;
    // bob's node was given back once: with 2 lines, alice and a new call of bob fit.
    const again = await enter(1, 'bob');
    again.type('/who\r');
    await again.waitFor(who('alice', 1, 'bob', 2), WAIT_MS);
    expect(occurrences(alice.screen(), '*** bob has left the chat ***')).toBe(1);
  });

  it('a Redis restart during a conversation loses no line; callers are told and the room comes back', async () => {
    const board = await shared.start({ count: 2, config: 'chat:\n  flood_burst: 20\n', users: USERS });
    const alice = await enter(0, 'alice');
    const bob = await enter(1, 'bob');
    alice.type('before-1\r');
    await bob.waitFor('alice: before-1', WAIT_MS);

    await shared.redis.stop();
    await Promise.all([alice.waitFor('The room is reconnecting', WAIT_MS), bob.waitFor('The room is reconnecting', WAIT_MS)]);
    alice.type('during-1\r');
    bob.type('during-2\r');
    await shared.redis.start();
    await Promise.all([alice.waitFor('The room is back', WAIT_MS), bob.waitFor('The room is back', WAIT_MS)]);
    await Promise.all([bob.waitFor('alice: during-1', WAIT_MS), alice.waitFor('bob: during-2', WAIT_MS)]);
    bob.type('after-1\r');
    await Promise.all([alice.waitFor('bob: after-1', WAIT_MS), bob.waitFor('bob: after-1', WAIT_MS)]);
    expect(said(alice.screen())).toEqual(said(bob.screen()));
    expect(said(alice.screen())).toEqual(expect.arrayContaining(['alice: before-1', 'alice: during-1', 'bob: during-2', 'bob: after-1']));

    // Redis came back empty: the instances put their callers back, so the room still knows them.
    alice.type('/who\r');
    await alice.waitFor(who('alice', 0, 'bob', 0), WAIT_MS);
    bob.type('/quit\r');
    await alice.waitFor('*** bob has left the chat ***', WAIT_MS);
    expect(occurrences(alice.screen(), '*** bob has left the chat ***')).toBe(1);
  });

  it('an instance asked to stop while Redis is away says goodbye and exits cleanly', async () => {
    const board = await shared.start({ count: 1, users: USERS });
    const alice = await enter(0, 'alice');
    await shared.redis.stop();
    await alice.waitFor('The room is reconnecting', WAIT_MS);
    // A line still waiting for Redis does not hold the shutdown up.
    alice.type('unsent-1\r');
    const instance = board.list[0]!.process;
    instance.child.kill('SIGTERM');
    await alice.waitFor('Goodbye, alice', WAIT_MS);
    expect(await instance.exited).toEqual({ code: 0, signal: null });
  });

  it('an instance with two workers and a single-process one: each worker joins the board in Redis', async () => {
    const board = await shared.start({ count: 0, config: 'connection:\n  max_nodes: 3\n', users: USERS });
    const withWorkers = await board.add({ BBS_WORKERS: '2' });
    await board.add();
    await expect.poll(() => withWorkers.process.lines.filter((l) => l.msg === 'room shared through Redis').length).toBe(2);
    const alice = await enter(0, 'alice');
    const bob = await enter(0, 'bob');
    const carol = await enter(1, 'carol');
    await Promise.all([alice.waitFor('*** carol has joined the chat ***', WAIT_MS), bob.waitFor('*** carol has joined the chat ***', WAIT_MS)]);
    carol.type('/who\r');
    await carol.waitFor(who('alice', 1, 'bob', 2, 'carol', 3), WAIT_MS);
    const dave = await call(1, 'dave');
    await dave.waitFor('are busy', WAIT_MS);
  });

  it('an instance with a database of its own shows a caller the lines said on the others before it started', async () => {
    const board = await shared.start({ count: 1, users: USERS });
    const alice = await enter(0, 'alice');
    alice.type('early-1\r');
    alice.type('early-2\r');
    await alice.waitFor('alice: early-2', WAIT_MS);
    const own = await prepareBoardFolder({ prefix: 'bbs-own-data-', users: USERS, password: PASSWORD });
    try {
      await board.add({ BBS_DATA_DIR: own.env.BBS_DATA_DIR! });
      const bob = await enter(1, 'bob');
      await bob.waitFor('alice: early-2', WAIT_MS);
      expect(said(bob.screen())).toEqual(['alice: early-1', 'alice: early-2']);
    } finally {
      rmSync(own.dir, { recursive: true, force: true });
    }
  });

  it('refuses to start an instance whose host keys differ from the running ones', async () => {
    const board = await shared.start({ count: 1, users: [] });
    const otherKeys = mkdtempSync(path.join(os.tmpdir(), 'bbs-other-keys-'));
    try {
      cpSync(board.env.BBS_KEYS_DIR!, otherKeys, { recursive: true });
      // A fresh ed25519 key is made on start: the same folder but one other key.
      rmSync(path.join(otherKeys, 'ssh_host_ed25519_key'));
      rmSync(path.join(otherKeys, 'ssh_host_ed25519_key.pub'), { force: true });
      const other = runBoardProcess({ ...board.env, BBS_KEYS_DIR: otherKeys });
      expect((await other.exited).code).toBe(1);
      expect(other.stderr()).toMatch(/^ssh-bbs: This instance's host keys \(.+\) differ from the ones the running instances announce in Redis \(.+\)\. Give every instance the same keys folder/);
    } finally {
      rmSync(otherKeys, { recursive: true, force: true });
    }
  });

  it('an instance that cannot reach Redis at start-up says so and exits', async () => {
    const board = await shared.start({ count: 0, config: 'room:\n  heartbeat_seconds: 1\n', users: [] });
    const missing = path.join(os.tmpdir(), `bbs-no-redis-${process.pid}.sock`);
    const lonely = runBoardProcess({ ...board.env, BBS_REDIS_URL: missing });
    expect((await lonely.exited).code).toBe(1);
    expect(lonely.stderr()).toBe(`ssh-bbs: Cannot reach Redis at ${missing} (ENOENT). Start Redis, or set room.redis (BBS_REDIS_URL).\n`);
  });
});
