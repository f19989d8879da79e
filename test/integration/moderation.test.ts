/**
 * Sysops in the room, through real ssh2 clients and real SQLite: a kick or a ban ends the call at
 * once; a ban survives a restart and is explained at login with its reason and end; an expired ban
 * lets the caller in; the CLI's changes (another process writing the database) reach a running call;
 * every action is logged with the sysop who did it; announcements are marked, ring, and are marked
 * again when replayed.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { occurrences, useRoom, type Room } from '../helpers/room.js';

const room = useRoom();

async function sysopAndBob(r: Room, overrides: Parameters<Room['start']>[1] = {}) {
  await r.start({}, overrides);
  await r.addUsers(['SysOp'], 'sysop');
  await r.addUsers(['bob', 'carol']);
  const sysop = await r.enter('SysOp');
  const bob = await r.enter('bob');
  await sysop.sees('*** bob has joined the chat ***');
  return { sysop, bob };
}

describe('/kick', () => {
  it('ends the call at once with the reason, tells the room, and logs who did it', async () => {
    const { sysop, bob } = await sysopAndBob(room);
    sysop.type('/kick bob flooding\r');
    await bob.closed;
    expect(bob.received()).toContain('You were removed from the board by SysOp: flooding');
    await sysop.sees('*** bob was kicked by SysOp: flooding ***');
    const line = room.board.logs().find((l) => l.msg === 'sysop action');
    expect(line).toMatchObject({ sysop: 'SysOp', action: 'kick', target: 'bob', detail: 'flooding' });
    expect(await room.board.board.community.actions(5)).toMatchObject([{ actor: 'SysOp', action: 'kick', target: 'bob' }]);
  });

  it('refuses a sysop to a caller, and a kick of a sysop to a sysop', async () => {
    const { sysop, bob } = await sysopAndBob(room);
    bob.type('/kick SysOp\r');
    await bob.sees('Only sysops can do that.');
    sysop.type('/ban SysOp\r');
    await sysop.sees("You can't ban yourself.");
  });
});

describe('/ban', () => {
  it('ends the call, survives a restart, and is explained at login with the reason and the end', async () => {
    const dataDir = room.dataDir();
    const { sysop, bob } = await sysopAndBob(room, { dataDir });
    sysop.type('/ban bob 7d abuse\r');
    await bob.closed;
    expect(bob.received()).toMatch(/The account bob is banned from ssh-bbs until \d{4}-\d\d-\d\d \d\d:\d\d UTC\. Reason: abuse\./);
    await sysop.sees(/\*\*\* bob was banned by SysOp until .* UTC: abuse \*\*\*/);

    await room.board.close();
    await room.start({}, { dataDir });
    const again = await room.call('bob');
    await again.closed;
    expect(again.received()).toMatch(/banned from ssh-bbs until .* UTC\. Reason: abuse\./);

    const sysop2 = await room.enter('SysOp');
    sysop2.type('/unban bob\r');
    await sysop2.sees('bob may call again.');
    await room.enter('bob');
  });

  it('lets the caller in once the ban has ended', async () => {
    await room.start();
    await room.addUsers(['bob']);
    const bob = (await room.board.board.users.findByHandle('bob'))!;
    await room.board.board.community.ban(bob.id, { until: Date.now() - 1000, reason: 'old', by: 'SysOp' });
    await room.enter('bob');
  });
});

describe('changes made with the CLI reach a running call', () => {
  it('a ban ends the call, a role change takes effect', async () => {
    const { bob } = await sysopAndBob(room);
    const carol = await room.enter('carol');
    const store = room.board.board;
    await store.users.setRole('carol', 'sysop');
    await carol.sees('You are now a sysop: /help lists your commands.');
    carol.type('/mute bob 3\r');
    await carol.sees('bob is muted for 3 minutes.');
    await bob.sees('You are muted for 3 minutes by carol');

    await store.community.ban((await store.users.findByHandle('bob'))!.id, { until: null, reason: 'from the CLI', by: 'cli' });
    await bob.closed;
    expect(bob.received()).toContain('The account bob is banned from ssh-bbs for good. Reason: from the CLI.');
  });
});

describe('announcements', () => {
  it('are marked and ring the bell, and are marked again when replayed to a newcomer', async () => {
    const { sysop, bob } = await sysopAndBob(room);
    sysop.type('/announce Board restarts at noon\r');
    await bob.sees(/\[\d\d:\d\d\] ANNOUNCEMENT SysOp: Board restarts at noon/);
    expect(bob.vt.bells).toBe(1);
    expect(await room.board.board.community.actions(1)).toMatchObject([{ actor: 'SysOp', action: 'announce', detail: 'Board restarts at noon' }]);
    const carol = await room.enter('carol');
    await carol.sees(/\[\d\d:\d\d\] ANNOUNCEMENT SysOp: Board restarts at noon/);
  });
});

describe('bbs who and bbs kick against the running board', () => {
  async function bbs(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const code = await runCli(argv, {
      env: { BBS_DATA_DIR: room.board.dataDir, BBS_KEYS_DIR: room.board.keysDir },
      cwd: room.dataDir(),
      stdin: Readable.from([]),
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
    });
    // Every command that opens the database names it on stderr first (cli.test.ts checks that line).
    expect(stderr).toMatch(/^bbs: database .*bbs\.sqlite \(BBS_DATA_DIR\)\n/);
    return { code, stdout, stderr: stderr.replace(/^bbs: database .*\n/, '') };
  }

  it('lists who is on, and ends a call with the reason, which the room hears', async () => {
    const { sysop, bob } = await sysopAndBob(room);
    const who = await bbs(['who']);
    expect(who.code).toBe(0);
    expect(who.stdout).toMatch(/^NODE +HANDLE +SINCE \(UTC\) +FROM\n1 +SysOp +\d{4}-\d\d-\d\d \d\d:\d\d +127\.0\.0\.1\S*\n2 +bob /);

    expect(await bbs(['kick', 'carol'])).toMatchObject({ code: 1, stderr: 'bbs: carol is not on the board.\n' });
    expect(await bbs(['kick', 'bob', '--reason', 'time to go'])).toMatchObject({ code: 0 });
    await bob.closed;
    expect(bob.received()).toContain('You were removed from the board by cli: time to go');
    await sysop.sees('*** bob has left the chat ***');
    expect(occurrences(sysop.vt.lines().join('\n'), '*** bob was kicked by cli: time to go ***')).toBe(1);
    await expect.poll(async () => (await bbs(['who'])).stdout).not.toMatch(/ bob /);
  });

  it('bans from the command line: the call ends, and the room hears who did it and until when', async () => {
    const { sysop, bob } = await sysopAndBob(room);
    expect(await bbs(['user', 'ban', 'bob', '--reason', 'spam'])).toMatchObject({ code: 0 });
    await bob.closed;
    expect(bob.received()).toMatch(/The account bob is banned from .* for good\. Reason: spam/);
    await sysop.sees('*** bob has left the chat ***');
    expect(occurrences(sysop.vt.lines().join('\n'), '*** bob was banned by cli for good: spam ***')).toBe(1);
  });
});
