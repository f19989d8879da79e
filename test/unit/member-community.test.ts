/** The member's community commands: protection from each other, moderation, messages that wait. */
import { describe, expect, it } from 'vitest';
import { makeBoard, shown, T0 } from '../helpers/member-board.js';

describe('member: protection from each other', () => {
  it('/ignore hides lines, actions, private lines and pages, is kept, and lists; /unignore undoes it', async () => {
    const board = makeBoard();
    const [alice, bob, carol] = await board.enterAll('alice', 'bob', 'carol');
    await alice!.member.input('/ignore BOB');
    expect(alice!.texts().at(-1)).toMatch(/^-- You now ignore bob: /);
    expect([...board.ignores.get('alice')!]).toEqual(['bob']);
    alice!.clear();
    for (const line of ['hello', '/me waves', '/msg alice psst', '/page alice']) await bob!.member.input(line);
    await carol!.member.input('still heard');
    expect(alice!.texts()).toEqual(['carol: still heard']);
    await alice!.member.input('/ignore');
    expect(alice!.texts().at(-1)).toBe('-- You ignore: bob. /unignore <handle> to hear them again.');
    await alice!.member.input('/unignore bob');
    await bob!.member.input('back again');
    expect(alice!.texts().slice(-2)).toEqual(['-- You hear bob again.', 'bob: back again']);
  });

  it.each([
    ['/ignore alice', "-- You can't ignore yourself."],
    ['/ignore zed', '-- There is no account called zed.'],
    ['/ignore b@d', '-- Handles are 2-16 letters, digits, "_" or "-".'],
    ['/unignore bob', '-- You do not ignore bob.'],
    ['/ignore', '-- You ignore no one.'],
  ])('%s → %s', async (line, answer) => {
    const board = makeBoard();
    const [alice] = await board.enterAll('alice', 'bob');
    await alice!.member.input(line);
    expect(alice!.texts()).toEqual([answer]);
  });

  it('keeps an ignore list from an earlier call', async () => {
    const board = makeBoard();
    board.ignores.set('alice', new Set(['bob']));
    const [alice, bob] = await board.enterAll('alice', 'bob');
    await bob!.member.input('hi');
    expect(alice!.texts()).toEqual([]);
  });

  it('refuses a second page to the same person within the cooldown, and says how long to wait', async () => {
    const board = makeBoard();
    const [alice, bob] = await board.enterAll('alice', 'bob', 'carol');
    await alice!.member.input('/page bob');
    await alice!.member.input('/page bob');
    await alice!.member.input('/page carol');
    expect(alice!.texts()).toEqual(['PAGE from alice to bob', '-- You paged bob a moment ago: wait 30 more seconds.', 'PAGE from alice to carol']);
    expect(bob!.texts()).toEqual(['PAGE from alice to bob']);
    board.advance(30_000);
    await alice!.member.input('/page bob');
    expect(bob!.texts()).toHaveLength(2);
  });

  it('/pager off keeps pages away, says so to the pager, is kept, and shows in /who', async () => {
    const board = makeBoard();
    const [alice, bob] = await board.enterAll('alice', 'bob');
    await bob!.member.input('/pager off');
    expect(board.pagers.get('bob')).toBe(true);
    await alice!.member.input('/page bob');
    expect(alice!.texts()).toEqual(['-- bob has the pager off.']);
    await alice!.member.input('/who');
    expect(alice!.texts()).toContain('--   bob    node 2  pager off');
    await bob!.member.input('/pager on');
    await alice!.member.input('/page bob');
    expect(bob!.texts().at(-1)).toBe('PAGE from alice to bob');
  });

  it('/away marks the caller away with a reason until their next line, and tells who writes to them', async () => {
    const board = makeBoard();
    const [alice, bob] = await board.enterAll('alice', 'bob');
    await bob!.member.input('/away lunch');
    expect(bob!.texts()).toEqual(['-- You are away: lunch. Type anything to come back.']);
    board.advance(5 * 60_000);
    await alice!.member.input('/who');
    expect(alice!.texts()).toContain('--   bob    node 2  away 5m: lunch');
    await alice!.member.input('/msg bob are you there');
    expect(alice!.texts().at(-1)).toBe('-- bob is away: lunch.');
    await bob!.member.input('back');
    expect(bob!.texts()).toContain('-- Welcome back: you were away for 5m.');
    expect(board.room.participant('id-bob')?.away).toBeUndefined();
  });

  it('cleans away and kick reasons like a line: no escape sequence reaches another caller', async () => {
    const board = makeBoard();
    const [sysop, bob, carol] = await board.enterAll('SysOp', 'bob', 'carol');
    await bob!.member.input('/away \x1b]0;pwned\x07lunch\x1b[2J');
    await carol!.member.input('/who');
    await sysop!.member.input('/kick bob \x1b[31mbye\x9b2J');
    const seen = [...carol!.texts(), ...board.moderation.ended, ...board.moderation.record].join('\n');
    expect(seen).toContain('lunch');
    expect(seen).toContain('bye');
    expect(seen).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
  });

  it('/who says how long someone has been idle and marks sysops', async () => {
    const board = makeBoard();
    const [alice] = await board.enterAll('alice', 'SysOp');
    board.advance(12 * 60_000);
    await alice!.member.input('/who');
    expect(alice!.texts()).toEqual(['-- In the room (2):', '--   alice  node 1', '--   SysOp  node 2  sysop  idle 12m']);
  });

  it('/whois tells about someone in the room, someone offline, and no one', async () => {
    const board = makeBoard();
    board.addAccount('dave');
    const [alice] = await board.enterAll('alice', 'bob');
    board.advance(3 * 60_000);
    await alice!.member.input('/whois BOB');
    await alice!.member.input('/whois dave');
    await alice!.member.input('/whois zed');
    expect(alice!.texts()).toEqual([
      '-- bob: account since 2023-11-13 22:13 UTC.',
      '--   In the room since 2023-11-14 22:13 UTC (3m), node 2, idle 3m.',
      '-- dave: account since 2023-11-13 22:13 UTC.',
      '--   Not in the room; last call 2023-11-14 21:13 UTC (1h 03m ago).',
      '-- There is no account called zed.',
    ]);
  });
});

describe('member: moderation', () => {
  it('/kick ends the call, tells the room who did it and why, and is recorded', async () => {
    const board = makeBoard();
    const [sysop, bob, carol] = await board.enterAll('SysOp', 'bob', 'carol');
    await sysop!.member.input('/kick bob spamming');
    expect(board.moderation.ended).toEqual(['bob: You were removed from the board by SysOp: spamming']);
    expect(bob!.member.inRoom).toBe(false);
    expect(carol!.texts()).toEqual(['*** bob left', '-- *** bob was kicked by SysOp: spamming ***']);
    expect(board.moderation.record).toEqual(['SysOp kick bob spamming']);
  });

  it('/mute keeps the lines from the room for the minutes given, tells the muted caller, and /unmute lifts it', async () => {
    const board = makeBoard();
    const [sysop, bob, carol] = await board.enterAll('SysOp', 'bob', 'carol');
    await sysop!.member.input('/mute bob 5 calm down');
    expect(board.moderation.notes).toEqual(['bob: You are muted for 5 minutes by SysOp: calm down']);
    await bob!.member.input('LOUD');
    expect(bob!.texts().at(-1)).toBe('-- You are muted for 5 minutes more. Not sent: LOUD');
    expect(carol!.texts()).toEqual([]);
    await sysop!.member.input('/who');
    expect(sysop!.texts()).toContain('--   bob    node 2  muted');
    await sysop!.member.input('/unmute bob');
    await bob!.member.input('sorry');
    expect(carol!.texts()).toEqual(['bob: sorry']);
    expect(board.moderation.record).toEqual(['SysOp mute bob 5 min: calm down', 'SysOp unmute bob']);
  });

  it('/ban keeps the ban with its end and reason, ends the call, and /unban lifts it', async () => {
    const board = makeBoard();
    const [sysop, bob, carol] = await board.enterAll('SysOp', 'bob', 'carol');
    await sysop!.member.input('/ban bob 7d abuse');
    expect(board.moderation.banned.get('bob')).toEqual({ until: T0 + 7 * 86_400_000, reason: 'abuse', by: 'SysOp' });
    expect(bob!.member.inRoom).toBe(false);
    expect(carol!.texts().at(-1)).toBe('-- *** bob was banned by SysOp until 2023-11-21 22:13 UTC: abuse ***');
    await sysop!.member.input('/unban bob');
    expect(sysop!.texts().at(-1)).toBe('-- bob may call again.');
    await sysop!.member.input('/unban bob');
    expect(sysop!.texts().at(-1)).toBe('-- bob is not banned.');
  });

  it('/ban of a caller who is on: the room hears it once, from the call as it ends; of one who is not: from the sysop', async () => {
    const board = makeBoard();
    board.addAccount('dave');
    const [sysop, , carol] = await board.enterAll('SysOp', 'bob', 'carol');
    await sysop!.member.input('/ban bob 1h spam');
    await sysop!.member.input('/ban dave 1h spam');
    const notices = carol!.texts().filter((text) => text.includes('was banned by'));
    expect(notices).toEqual([
      '-- *** bob was banned by SysOp until 2023-11-14 23:13 UTC: spam ***',
      '-- *** dave was banned by SysOp until 2023-11-14 23:13 UTC: spam ***',
    ]);
    expect(board.moderation.ended).toEqual(['bob: banned']);
  });

  it.each([
    ['bob', '/kick carol', '-- Only sysops can do that.'],
    ['SysOp', '/ban SysOp', "-- You can't ban yourself."],
    ['SysOp', '/ban Admin2', '-- Admin2 is a sysop: make them a user first (bbs user role Admin2 user).'],
    ['SysOp', '/kick zed', '-- There is no account called zed.'],
    ['SysOp', '/kick dave', '-- dave is not on the board.'],
    ['SysOp', '/mute dave', '-- dave is not in the room.'],
  ])('%s: %s → %s', async (who, line, answer) => {
    const board = makeBoard();
    board.addAccount('dave');
    board.addAccount('Admin2', true);
    const seats = await board.enterAll('SysOp', 'bob', 'carol');
    const actor = seats.find((s) => s.handle === who)!;
    await actor.member.input(line);
    expect(actor.texts()).toEqual([answer]);
    expect(board.moderation.record).toEqual([]);
  });

  it('a role change while on the board takes effect at once', async () => {
    const board = makeBoard();
    const [alice, bob] = await board.enterAll('alice', 'bob');
    await alice!.member.input('/kick bob');
    expect(alice!.texts().at(-1)).toBe('-- Only sysops can do that.');
    alice!.member.setSysop(true);
    expect(alice!.texts().at(-1)).toBe('-- You are now a sysop: /help lists your commands.');
    await alice!.member.input('/kick bob');
    expect(bob!.member.inRoom).toBe(false);
  });
});

describe('member: messages that wait', () => {
  it('keeps /msg and /page for an account that is not on, within the limits per sender and recipient', async () => {
    const board = makeBoard();
    board.addAccount('dave');
    const [alice, bob] = await board.enterAll('alice', 'bob');
    await alice!.member.input('/msg DAVE see you');
    await alice!.member.input('/page dave');
    await alice!.member.input('/msg dave third');
    await bob!.member.input('/msg dave from bob');
    await bob!.member.input('/msg dave one too many');
    expect(alice!.texts()).toEqual([
      '-- dave is not on the board: your message will be delivered at their next call.',
      '-- dave is not on the board: your page will be delivered at their next call.',
      '-- You already have as many messages waiting for dave as the board keeps. Not sent.',
    ]);
    expect(bob!.texts().at(-1)).toBe('-- dave has as many messages waiting as the board keeps. Not sent.');
    expect(board.waiting.map(shown)).toEqual(['alice -> dave: see you', 'PAGE from alice to dave', 'bob -> dave: from bob']);
  });

  it('delivers what waited, with a count, leaving out whom the caller ignores, and /r answers the last', async () => {
    const board = makeBoard();
    board.ignores.set('dave', new Set(['bob']));
    const [dave, alice] = await board.enterAll('dave', 'alice');
    dave!.member.deliverWaiting([
      { kind: 'direct', from: 'alice', to: 'dave', text: 'see you', at: T0 - 5000 },
      { kind: 'page', from: 'alice', to: 'dave', at: T0 - 4000 },
      { kind: 'direct', from: 'bob', to: 'dave', text: 'hidden', at: T0 - 3000 },
    ]);
    expect(dave!.texts()).toEqual(['-- 2 messages while you were away:', 'alice -> dave: see you', 'PAGE from alice to dave']);
    await dave!.member.input('/r got it');
    expect(alice!.texts()).toEqual(['dave -> alice: got it']);
  });

  it('says nothing when nothing waited', async () => {
    const board = makeBoard();
    const [dave] = await board.enterAll('dave');
    dave!.member.deliverWaiting([]);
    expect(dave!.texts()).toEqual([]);
  });

  it('hands /passwd and /keys to the account handler, and tells the room nothing', async () => {
    const board = makeBoard();
    const [alice, bob] = await board.enterAll('alice', 'bob');
    await alice!.member.input('/passwd');
    await alice!.member.input('/keys remove SHA256:x');
    expect(alice!.state.account).toEqual([{ kind: 'passwd' }, { kind: 'keys', remove: 'SHA256:x' }]);
    expect(bob!.seen).toEqual([]);
  });

  it('/last lists the latest callers and /users every account, in the room or not', async () => {
    const board = makeBoard();
    board.addAccount('dave');
    const [alice] = await board.enterAll('alice', 'SysOp');
    await alice!.member.input('/last');
    await alice!.member.input('/users');
    expect(alice!.texts()).toEqual([
      '-- Last callers:',
      '--   carol  2023-11-14 22:12 UTC  still on',
      '--   dave   2023-11-14 20:13 UTC  for 1h 00m',
      '-- Accounts (3):',
      '--   alice  in the room',
      '--   dave   last call 2023-11-14 21:13 UTC',
      '--   SysOp  sysop  in the room',
    ]);
  });
});
