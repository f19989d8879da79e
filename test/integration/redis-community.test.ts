/**
 * The community features across instances of the board on one real redis-server (real board
 * processes, real ssh2 callers): /away made on one instance shows in /who on another and on one
 * started later; a caller kept outside the full room on one instance is reached by /msg from
 * another, until that instance dies; a sysop's /mute notice and /kick reach a caller on another
 * instance (the instances share one data folder, as on one machine), and /kick and /ban end a call
 * on an instance with a database of its own at once: they travel through the room stream, and so
 * do the command line's `bbs kick` and `bbs user ban`.
 */
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { prepareBoardFolder } from '../helpers/board-folder.js';
import { runBbs } from '../helpers/cli.js';
import { muteThenKick, privateLineAndReply, whoUntil } from '../helpers/across.js';
import { useRedisBoard } from '../helpers/redis-board.js';
import { occurrences } from '../helpers/room.js';
import type { Caller } from '../helpers/caller.js';

const PASSWORD = 'correct horse battery';
const WAIT_MS = 20_000;
const USERS = ['alice', 'bob', 'carol'];
const shared = useRedisBoard(PASSWORD, WAIT_MS);
const { call, enter } = shared;

describe('community features across instances on one Redis', () => {
  it('shows /away on one instance in /who on the other and on one started later, and the return too', async () => {
    const board = await shared.start({ count: 2, config: 'bbs:\n  name: Test BBS\n', users: USERS });
    const alice = await enter(0, 'alice');
    const bob = await enter(1, 'bob');
    await alice.waitFor('*** bob has joined the chat ***', WAIT_MS);

    bob.type('/away gone fishing\r');
    await bob.waitFor('You are away: gone fishing.', WAIT_MS);
    // bob's screen says so at once; alice's instance hears it through Redis a moment later.
    await whoUntil(alice, /bob +node \d +away \d+m: gone fishing/, WAIT_MS);

    // A third instance reads the presence kept in Redis with bob's seat, not only what it hears later.
    await board.add();
    const carol = await enter(2, 'carol');
    carol.type('/who\r');
    await carol.waitFor(/bob +node \d +away \d+m: gone fishing/, WAIT_MS);

    bob.type('back again\r');
    await bob.waitFor('Welcome back', WAIT_MS);
    // His return went out before his line: once alice has the line, her instance has it.
    await alice.waitFor('bob: back again', WAIT_MS);
    const awaySoFar = occurrences(alice.screen(), 'gone fishing');
    alice.type('/who\r');
    // Only a /who made after bob came back has a line for him without "away".
    await alice.waitFor(/bob +node \d *$/m, WAIT_MS);
    expect(occurrences(alice.screen(), 'gone fishing')).toBe(awaySoFar);
  });

  it('reaches a caller waiting outside the full room on another instance with /msg, hears the reply, and lets them go with a killed instance', async () => {
    const config = 'bbs:\n  name: Test BBS\nroom:\n  heartbeat_seconds: 1\nchat:\n  capacity: 1\n';
    const board = await shared.start({ count: 2, config, users: USERS });
    const alice = await enter(0, 'alice');
    const bob = await call(1, 'bob');
    await bob.waitFor('Chat room is at capacity', WAIT_MS);

    await privateLineAndReply(alice, bob, WAIT_MS);

    // bob's instance dies: once it is reaped, bob no longer waits anywhere and a line is kept for him.
    board.list[1]!.process.child.kill('SIGKILL');
    const reaped = () => board.list[0]!.process.lines.some((l) => l.msg === 'gave back the callers of instances that stopped beating');
    await expect.poll(reaped, { timeout: WAIT_MS }).toBe(true);
    alice.type('/msg bob call me\r');
    await alice.waitFor('bob is not on the board: your message will be delivered at their next call.', WAIT_MS);
  });

  it('mutes, tells and then kicks a caller on another instance', async () => {
    await shared.start({ count: 2, config: 'bbs:\n  name: Test BBS\n', users: ['bob'], sysops: ['SysOp'] });
    const sysop = await enter(0, 'SysOp');
    const bob = await enter(1, 'bob');
    await sysop.waitFor('*** bob has joined the chat ***', WAIT_MS);
    await muteThenKick(sysop, bob, WAIT_MS);
  });

  /**
   * The sysop on instance 0 (the shared folder), bob and carol on instance 1, whose database has
   * the same accounts, made in the same order (so with the same ids), but no other instance reads it.
   */
  async function onOwnDatabase(test: (room: { env: Record<string, string>; sysop: Caller; bob: Caller; carol: Caller }) => Promise<void>) {
    const folder = { users: ['bob', 'carol'], sysops: ['SysOp'], password: PASSWORD };
    const board = await shared.start({ count: 1, config: 'bbs:\n  name: Test BBS\n', ...folder });
    const own = await prepareBoardFolder({ prefix: 'bbs-own-data-', ...folder });
    try {
      await board.add({ BBS_DATA_DIR: own.env.BBS_DATA_DIR! });
      const sysop = await enter(0, 'SysOp');
      const bob = await enter(1, 'bob');
      const carol = await enter(1, 'carol');
      await sysop.waitFor('*** carol has joined the chat ***', WAIT_MS);
      await test({ env: board.env, sysop, bob, carol });
    } finally {
      rmSync(own.dir, { recursive: true, force: true });
    }
  }

  it('kicks and bans callers on an instance with a database of its own, through the room stream', async () => {
    await onOwnDatabase(async ({ sysop, bob, carol }) => {
      sysop.type('/kick bob enough now\r');
      await bob.waitFor('You were removed from the board by SysOp: enough now', WAIT_MS);
      await bob.closed;
      await sysop.waitFor('*** bob has left the chat ***', WAIT_MS);

      sysop.type('/ban carol 7d spamming\r');
      await carol.waitFor(/The account carol is banned from Test BBS until [-0-9]+ [0-9:]+ UTC\. Reason: sp/, WAIT_MS);
      await carol.closed;
      await sysop.waitFor('*** carol has left the chat ***', WAIT_MS);
      expect(occurrences(sysop.screen(), '*** carol has left the chat ***')).toBe(1);
      // The ban is kept where the sysop's instance keeps accounts: a new call there is refused.
      const again = await call(0, 'carol');
      await again.waitFor('The account carol is banned from Test BBS', WAIT_MS);
    });
  });

  it('ends calls at once with bbs kick and bbs user ban, on an instance with a database of its own, through the room stream', async () => {
    await onOwnDatabase(async ({ env, sysop, bob, carol }) => {
      // The CLI reads the sysop's instance's database, where bob and carol have no call.
      const bbs = (argv: string[]) => runBbs(argv, env, process.cwd());
      expect(await bbs(['kick', 'bob', '--reason', 'enough now'])).toMatchObject({ code: 0, stdout: 'bob was removed from the board.\n' });
      await bob.waitFor('You were removed from the board by cli: enough now', WAIT_MS);
      await bob.closed;
      await sysop.waitFor('*** bob was kicked by cli: enough now ***', WAIT_MS);
      await sysop.waitFor('*** bob has left the chat ***', WAIT_MS);

      expect(await bbs(['user', 'ban', 'carol', '--for', '7d', '--reason', 'spamming'])).toMatchObject({ code: 0 });
      await carol.waitFor(/The account carol is banned from Test BBS until [-0-9]+ [0-9:]+ UTC\. Reason: sp/, WAIT_MS);
      await carol.closed;
      await sysop.waitFor(/\*\*\* carol was banned by cli until [-0-9]+ [0-9:]+ UTC: spamming \*\*\*/, WAIT_MS);
      await sysop.waitFor('*** carol has left the chat ***', WAIT_MS);
      expect(occurrences(sysop.screen(), '*** carol has left the chat ***')).toBe(1);
      expect(occurrences(sysop.screen(), '*** carol was banned by cli')).toBe(1);

      // Redis knows no call of bob's any more: the sysop is told, and nothing else happens.
      const again = await bbs(['kick', 'bob']);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('bob is not on the board.');
    });
  });
});
