import { describe, expect, it } from 'vitest';
import { helpLines } from '../../src/chat/commands.js';
import { makeBoard, shown, T0 } from '../helpers/member-board.js';

describe('member: entering and leaving', () => {
  it('enters with the history and its own join, delivering nothing during enter()', async () => {
    const board = makeBoard();
    const [alice] = await board.enterAll('alice');
    await alice!.member.input('earlier line');
    const bob = board.seat('bob', 2);
    const result = await bob.member.enter();
    expect(result).toEqual({
      ok: true,
      history: [{ kind: 'public', from: 'alice', text: 'earlier line', at: T0 }],
      joined: [{ kind: 'join', handle: 'bob', at: T0 }],
    });
    expect(bob.seen).toEqual([]);
    expect(bob.member.inRoom).toBe(true);
    expect(alice!.texts()).toEqual(['alice: earlier line', '*** bob joined']);
  });

  it('treats a second enter() as a no-op with nothing new to show', async () => {
    const board = makeBoard();
    const [alice] = await board.enterAll('alice');
    expect(await alice!.member.enter()).toEqual({ ok: true, history: [], joined: [] });
    expect(board.room.participantCount()).toBe(1);
  });

  it('leaves once: the others hear it once, and the member hears nothing more', async () => {
    const board = makeBoard();
    const [alice, bob] = await board.enterAll('alice', 'bob');
    bob!.member.leave();
    bob!.member.leave();
    await alice!.member.input('still there?');
    await bob!.member.input('hello?');
    expect(alice!.texts()).toEqual(['*** bob left', 'alice: still there?']);
    expect(bob!.seen).toEqual([]);
    expect(bob!.member.inRoom).toBe(false);
    expect(board.room.isInChat('id-bob')).toBe(false);
  });

  it('does not come back after leave()', async () => {
    const board = makeBoard();
    const [alice] = await board.enterAll('alice');
    alice!.member.leave();
    expect(await alice!.member.enter()).toEqual({ ok: false, error: 'You have left the room.' });
    expect(board.room.participantCount()).toBe(0);
  });

  it.each(['/quit', '/q', '/QUIT'])('%s leaves the room and asks to quit', async (line) => {
    const board = makeBoard();
    const [alice, bob] = await board.enterAll('alice', 'bob');
    await bob!.member.input(line);
    expect(bob!.state.quits).toBe(1);
    expect(bob!.member.inRoom).toBe(false);
    expect(alice!.texts()).toEqual(['*** bob left']);
  });
});

describe('member: a full room', () => {
  it('stays outside, retries on Enter, is told when a seat frees, and says the kept lines on the way in', async () => {
    const board = makeBoard(1);
    const [alice] = await board.enterAll('alice');
    await alice!.member.input('first');
    const bob = board.seat('bob', 2);
    expect(await bob.member.enter()).toEqual({ ok: false, error: 'Chat room is at capacity. Please try again later.' });
    expect(bob.member.inRoom).toBe(false);

    // A retry asks the bus for a seat, which answers asynchronously.
    await bob.member.input('');
    await expect.poll(() => bob.texts()).toEqual(['-- Chat room is at capacity. Please try again later. Press Enter to try again, or type /quit.']);
    bob.clear();
    await bob.member.input('let me in');
    await expect.poll(() => bob.texts()).toEqual([
      '-- You are not in the room yet: your line will be said when you get in (1 waiting).',
      '-- Chat room is at capacity. Please try again later. Press Enter to try again, or type /quit.',
    ]);
    expect(alice!.texts()).toEqual(['alice: first']);

    bob.clear();
    alice!.member.leave();
    expect(bob.texts()).toEqual(['-- A seat in the room is free: press Enter to come in.']);
    bob.clear();
    await bob.member.input('');
    await expect.poll(() => bob.member.inRoom).toBe(true);
    expect(bob.texts()).toEqual(['alice: first', '*** bob joined', 'bob: let me in']);
    expect(bob.earlier.map(shown)).toEqual(['alice: first']);
  });

  it('can be reached by /msg and /page while outside, and can answer', async () => {
    const board = makeBoard(1);
    const [alice] = await board.enterAll('alice');
    const bob = board.seat('bob', 2);
    await bob.member.enter();
    await alice!.member.input('/msg bob wait a minute');
    await alice!.member.input('/page bob');
    expect(bob.texts()).toEqual(['alice -> bob: wait a minute', 'PAGE from alice to bob']);
    await bob.member.input('/r ok');
    expect(alice!.texts().at(-1)).toBe('bob -> alice: ok');
  });

  it('hears nothing of the room while outside but private lines', async () => {
    const board = makeBoard(1);
    const [alice] = await board.enterAll('alice');
    const bob = board.seat('bob', 2);
    await bob.member.enter();
    await alice!.member.input('private party');
    expect(bob.seen).toEqual([]);
  });

  it('quits from outside with /quit', async () => {
    const board = makeBoard(1);
    await board.enterAll('alice');
    const bob = board.seat('bob', 2);
    await bob.member.enter();
    await bob.member.input('/q');
    expect(bob.state.quits).toBe(1);
    expect(bob.seen).toEqual([]);
  });
});

describe('member: talking', () => {
  it('says a plain line to everyone, cleaned', async () => {
    const board = makeBoard();
    const [alice, bob] = await board.enterAll('alice', 'bob');
    await alice!.member.input('  hi \u001b[31mall\u001b]52;c;AA==\u0007 \u202e!  ');
    expect(alice!.texts()).toEqual(['alice: hi all !']);
    expect(bob!.seen).toEqual([{ kind: 'public', from: 'alice', text: 'hi all !', at: T0 }]);
  });

  it('caps a long line at maxMessageLength', async () => {
    const board = makeBoard();
    const [alice] = await board.enterAll('alice');
    await alice!.member.input('x'.repeat(1_000));
    expect(alice!.texts()).toEqual([`alice: ${'x'.repeat(80)}`]);
  });

  it.each(['', '   ', '\u001b[0m', '\u0000\u0007'])('sends nothing for %j', async (line) => {
    const board = makeBoard();
    const [alice, bob] = await board.enterAll('alice', 'bob');
    await alice!.member.input(line);
    expect(alice!.seen).toEqual([]);
    expect(bob!.seen).toEqual([]);
  });

  it('sends //text as a public line starting with /', async () => {
    const board = makeBoard();
    const [alice, bob] = await board.enterAll('alice', 'bob');
    await alice!.member.input('//shrug');
    expect(bob!.texts()).toEqual(['alice: /shrug']);
  });

  it('acts with /me', async () => {
    const board = makeBoard();
    const [alice, bob] = await board.enterAll('alice', 'bob');
    await alice!.member.input('/me waves');
    expect(bob!.seen).toEqual([{ kind: 'action', from: 'alice', text: 'waves', at: T0 }]);
  });

  it.each([
    ['/dance', 'Unknown command. Type /help for available commands.'],
    ['/msg bob', 'Usage: /msg <handle> <message>'],
    ['/me', 'Usage: /me <action>'],
  ])('answers %s to the typist only', async (line, answer) => {
    const board = makeBoard();
    const [alice, bob] = await board.enterAll('alice', 'bob');
    await alice!.member.input(line);
    expect(alice!.seen).toEqual([{ kind: 'system', text: answer, official: false, at: T0 }]);
    expect(bob!.seen).toEqual([]);
  });
});

describe('member: private messages and pages', () => {
  it('sends /msg to its two parties only, to the handle as registered', async () => {
    const board = makeBoard();
    const [alice, bob, carol] = await board.enterAll('alice', 'Bob', 'carol');
    await alice!.member.input('/msg BOB psst \u001b[2Jhere');
    const sent = { kind: 'direct', from: 'alice', to: 'Bob', text: 'psst here', at: T0 };
    expect(alice!.seen).toEqual([sent]);
    expect(bob!.seen).toEqual([sent]);
    expect(carol!.seen).toEqual([]);
  });

  it.each([
    ['/msg zed hi', 'There is no account called zed.'],
    ['/msg alice hi', "You can't send a private message to yourself."],
    ['/msg ALICE hi', "You can't send a private message to yourself."],
    ['/msg b@d! hi', 'Handles are 2-16 letters, digits, "_" or "-".'],
    ['/page zed', 'There is no account called zed.'],
    ['/page alice', "You can't page yourself."],
    ['/r hello', 'No one has sent you a private message yet.'],
    ['/announce hi', 'Only the sysop can make announcements.'],
  ])('answers %s with an error for the typist only', async (line, answer) => {
    const board = makeBoard();
    const [alice, bob] = await board.enterAll('alice', 'bob');
    await alice!.member.input(line);
    expect(alice!.texts()).toEqual([`-- ${answer}`]);
    expect(bob!.seen).toEqual([]);
  });

  it('sends nothing for a /msg whose text cleans to empty', async () => {
    const board = makeBoard();
    const [alice, bob] = await board.enterAll('alice', 'bob');
    await alice!.member.input('/msg bob \u001b[0m');
    expect(alice!.seen).toEqual([]);
    expect(bob!.seen).toEqual([]);
  });

  it('replies with /r to whoever last wrote, and only to them', async () => {
    const board = makeBoard();
    const [alice, bob, carol] = await board.enterAll('alice', 'bob', 'carol');
    await bob!.member.input('/msg alice first');
    await carol!.member.input('/msg alice second');
    await alice!.member.input('/r got it');
    expect(carol!.texts()).toEqual(['carol -> alice: second', 'alice -> carol: got it']);
    expect(bob!.texts()).toEqual(['bob -> alice: first']);
  });

  it('does not count your own messages as someone to reply to', async () => {
    const board = makeBoard();
    const [alice] = await board.enterAll('alice', 'bob');
    await alice!.member.input('/msg bob hi');
    alice!.clear();
    await alice!.member.input('/r again');
    expect(alice!.texts()).toEqual(['-- No one has sent you a private message yet.']);
  });

  it('keeps a reply for the one who has left, to be delivered at their next call', async () => {
    const board = makeBoard();
    const [alice, bob] = await board.enterAll('alice', 'bob');
    await bob!.member.input('/msg alice bye');
    bob!.member.leave();
    alice!.clear();
    await alice!.member.input('/r wait');
    expect(alice!.texts()).toEqual(['-- bob is not on the board: your message will be delivered at their next call.']);
    expect(board.waiting).toEqual([{ kind: 'direct', from: 'alice', to: 'bob', text: 'wait', at: T0 }]);
  });

  it('pages the receiver, confirms to the sender, and tells no one else', async () => {
    const board = makeBoard();
    const [alice, bob, carol] = await board.enterAll('alice', 'bob', 'carol');
    await alice!.member.input('/page Bob');
    const page = { kind: 'page', from: 'alice', to: 'bob', at: T0 };
    expect(bob!.seen).toEqual([page]);
    expect(alice!.seen).toEqual([page]);
    expect(carol!.seen).toEqual([]);
  });
});

describe('member: local commands', () => {
  it('lists who is in the room with node numbers', async () => {
    const board = makeBoard();
    const [alice, bob] = await board.enterAll('alice', 'bob', 'carol');
    await alice!.member.input('/who');
    expect(alice!.texts()).toEqual(['-- In the room (3):', '--   alice  node 1', '--   bob    node 2', '--   carol  node 3']);
    expect(bob!.seen).toEqual([]);
  });

  it('shows help, one system line per command, without /announce for callers', async () => {
    const board = makeBoard();
    const [alice, bob] = await board.enterAll('alice', 'bob');
    await alice!.member.input('/?');
    expect(alice!.texts()).toEqual(helpLines({ sysop: false }).map((line) => `-- ${line}`));
    expect(bob!.seen).toEqual([]);
  });

  it('shows /announce in the sysop help', async () => {
    const board = makeBoard();
    const [sysop] = await board.enterAll('SysOp');
    await sysop!.member.input('/help');
    expect(sysop!.texts().some((line) => line.includes('/announce'))).toBe(true);
  });
});

describe('member: announcements', () => {
  it('lets the sysop announce, officially, to everyone and into history', async () => {
    const board = makeBoard();
    const [sysop, alice] = await board.enterAll('SysOp', 'alice');
    await sysop!.member.input('/announce Board restarts at \u001b[1mnoon');
    const announcement = { kind: 'system', text: 'Board restarts at noon', official: true, from: 'SysOp', at: T0 };
    expect(alice!.seen).toEqual([announcement]);
    expect(sysop!.seen).toEqual([announcement]);
    expect(board.room.recentHistory()).toEqual([announcement]);
  });
});

describe('member: flood control', () => {
  const slow = '-- You are typing fast: your lines go out one by one, in order.';

  it('lets a burst through, then queues the rest with one notice and sends it in order at the pace', async () => {
    const board = makeBoard();
    const [alice, bob] = await board.enterAll('alice', 'bob');
    for (let i = 1; i <= 8; i++) alice!.member.input(`line ${i}`);
    expect(bob!.texts()).toEqual([1, 2, 3, 4, 5].map((n) => `alice: line ${n}`));
    expect(alice!.texts().filter((t) => t === slow)).toHaveLength(1);

    board.advance(1_000);
    expect(bob!.texts().at(-1)).toBe('alice: line 6');
    board.advance(2_000);
    expect(bob!.texts().slice(5)).toEqual([6, 7, 8].map((n) => `alice: line ${n}`));
    expect(board.pendingTimers()).toBe(0);
  });

  it('mutes a caller who floods past the queue, says so and gives the line back', async () => {
    const board = makeBoard();
    const [alice, bob] = await board.enterAll('alice', 'bob');
    for (let i = 1; i <= 9; i++) alice!.member.input(`line ${i}`);
    expect(alice!.texts().at(-1)).toBe('-- You kept typing too fast: you are muted for 2 minutes. Not sent: line 9');
    board.advance(3_000);
    expect(bob!.texts()).toHaveLength(8);
    await alice!.member.input('line 10');
    expect(alice!.texts().at(-1)).toBe('-- You are muted for 2 minutes more. Not sent: line 10');
    board.advance(120_000);
    await alice!.member.input('line 11');
    expect(bob!.texts().at(-1)).toBe('alice: line 11');
  });

  it('drops the waiting lines and their timer when the caller leaves', async () => {
    const board = makeBoard();
    const [alice, bob] = await board.enterAll('alice', 'bob');
    for (let i = 1; i <= 7; i++) alice!.member.input(`line ${i}`);
    alice!.member.leave();
    expect(board.pendingTimers()).toBe(0);
    board.advance(5_000);
    expect(bob!.texts().filter((t) => t.startsWith('alice:'))).toHaveLength(5);
  });

  it.each(['/me waves', '/msg bob hi', '/page bob', '/r hi'])('counts %s against the caller', async (line) => {
    const board = makeBoard();
    const [alice, bob] = await board.enterAll('alice', 'bob');
    await bob!.member.input('/msg alice hi');
    for (let i = 0; i < 5; i++) alice!.member.input(`spam ${i}`);
    alice!.clear();
    await alice!.member.input(line);
    expect(alice!.texts()).toEqual([slow]);
  });

  it('does not count /who, /help, errors or empty lines', async () => {
    const board = makeBoard();
    const [alice, bob] = await board.enterAll('alice', 'bob');
    for (const line of ['/who', '/help', '/dance', '/msg nobody hi', '', '\u001b[0m']) {
      for (let i = 0; i < 3; i++) await alice!.member.input(line);
    }
    for (let i = 1; i <= 5; i++) await alice!.member.input(`line ${i}`);
    expect(bob!.texts()).toHaveLength(5);
  });
});
