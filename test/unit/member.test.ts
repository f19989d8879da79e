import { describe, expect, it } from 'vitest';
import { ChatManager } from '../../src/chat/chat-manager.js';
import { helpLines } from '../../src/chat/commands.js';
import { createMember, type Member, type MemberIdentity } from '../../src/chat/member.js';
import type { ChatMessage, DirectMessage, PageMessage } from '../../src/chat/messages.js';
import type { AccountCard, Directory } from '../../src/chat/directory.js';
import type { Moderator } from '../../src/chat/moderation.js';

const T0 = 1_700_000_000_000;

function makeBoard(capacity = 10) {
  let time = T0;
  const now = () => time;
  const timers: Array<{ due: number; fn: () => void }> = [];
  const schedule = (ms: number, fn: () => void) => {
    const timer = { due: time + ms, fn };
    timers.push(timer);
    return () => void timers.splice(timers.indexOf(timer) >>> 0, timers.includes(timer) ? 1 : 0);
  };
  /** Moves the clock on and runs the timers that fell due, in order. */
  function advance(ms: number): void {
    time += ms;
    for (let next = dueTimer(); next; next = dueTimer()) next.fn();
  }
  function dueTimer() {
    timers.sort((a, b) => a.due - b.due);
    return timers[0] && timers[0].due <= time ? timers.shift() : undefined;
  }
  const room = new ChatManager({ capacity, now });
  const seats: Seat[] = [];
  /** Accounts on the board, online or not: every seat's, plus offline ones a test adds. */
  const accounts = new Map<string, AccountCard>();
  const ignores = new Map<string, Set<string>>();
  const pagers = new Map<string, boolean>();
  const addAccount = (handle: string, sysop = false) =>
    accounts.set(handle.toLowerCase(), { handle, sysop, createdAt: T0 - 86_400_000, lastCallAt: T0 - 3_600_000 });
  /** What the board did for sysops: calls ended, bans kept, lines to one caller, the record. */
  const moderation = { ended: [] as string[], banned: new Map<string, unknown>(), notes: [] as string[], record: [] as string[] };
  const moderator: Moderator = {
    endCall(handle, text) {
      const seat = seats.find((s) => s.member.inRoom && s.handle.toLowerCase() === handle.toLowerCase());
      if (!seat) return false;
      moderation.ended.push(`${handle}: ${text}`);
      seat.member.leave();
      return true;
    },
    ban(handle, ban) {
      moderation.banned.set(handle, ban);
      moderator.endCall(handle, 'banned');
    },
    unban: (handle) => moderation.banned.delete(handle),
    notify: (handle, text) => void moderation.notes.push(`${handle}: ${text}`),
    record: (actor, action, target, detail) => void moderation.record.push(`${actor} ${action} ${target} ${detail}`.trim()),
  };
  const directoryFor = (handle: string): Directory => ({
    account: (typed) => accounts.get(typed.toLowerCase()),
    ignored: () => [...(ignores.get(handle) ?? [])],
    setIgnored(target, on) {
      const set = ignores.get(handle) ?? new Set<string>();
      if (on) set.add(target);
      else set.delete(target);
      ignores.set(handle, set);
    },
    setPagerOff: (off) => void pagers.set(handle, off),
    leaveMessage(message) {
      if (!accounts.has(message.to.toLowerCase())) return 'no-account';
      if (waiting.filter((m) => m.from === handle && m.to === message.to).length >= 2) return 'sender-limit';
      if (waiting.filter((m) => m.to === message.to).length >= 3) return 'recipient-limit';
      waiting.push(message);
      return 'stored';
    },
    recentCalls: (limit) => calls.slice(0, limit),
    accounts: () => [...accounts.values()].sort((a, b) => a.handle.localeCompare(b.handle)),
  });
  const waiting: Array<DirectMessage | PageMessage> = [];
  const calls = [
    { handle: 'carol', startedAt: T0 - 60_000, endedAt: null },
    { handle: 'dave', startedAt: T0 - 7_200_000, endedAt: T0 - 3_600_000 },
  ];

  /** A caller: a member plus everything delivered to their screen. */
  function seat(handle: string, node: number, extra: Partial<MemberIdentity> = {}): Seat {
    const seen: ChatMessage[] = [];
    const earlier: ChatMessage[] = [];
    const identity = { userId: `id-${handle}`, handle, node, isSysop: false, ...extra };
    if (!accounts.has(handle.toLowerCase())) addAccount(handle, identity.isSysop);
    const state = { quits: 0, account: [] as unknown[] };
    const member = createMember({
      room,
      identity,
      maxMessageLength: 80,
      flood: { burst: 5, perSecond: 1, maxQueued: 3, muteMs: 120_000 },
      now,
      schedule,
      directory: directoryFor(handle),
      pageCooldownMs: 30_000,
      moderator,
      deliver: (m) => seen.push(m),
      onEnter: (history, joined) => {
        earlier.push(...history);
        seen.push(...history, ...joined);
      },
      onQuit: () => state.quits++,
      onAccount: (command) => void state.account.push(command),
    });
    const clear = () => {
      seen.length = 0;
      earlier.length = 0;
    };
    const made: Seat = { handle, member, seen, earlier, state, texts: () => seen.map(shown), clear };
    seats.push(made);
    return made;
  }

  /** Seats entered into the room, with the screens cleared of the joins. */
  function enterAll(...handles: string[]): Seat[] {
    const entered = handles.map((handle, i) => {
      const s = seat(handle, i + 1, { isSysop: handle === 'SysOp' });
      expect(s.member.enter().ok).toBe(true);
      return s;
    });
    for (const s of seats) s.clear();
    return entered;
  }

  return { room, seat, enterAll, advance, addAccount, ignores, pagers, moderation, waiting, pendingTimers: () => timers.length };
}

interface Seat {
  handle: string;
  member: Member;
  seen: ChatMessage[];
  /** What was delivered marked as earlier (history replayed on a retried entry). */
  earlier: ChatMessage[];
  state: { quits: number; account: unknown[] };
  texts(): string[];
  clear(): void;
}

/** One line per message, roughly as a screen would show it. */
function shown(m: ChatMessage): string {
  switch (m.kind) {
    case 'public':
      return `${m.from}: ${m.text}`;
    case 'action':
      return `* ${m.from} ${m.text}`;
    case 'system':
      return m.official ? `SysOp! ${m.text}` : `-- ${m.text}`;
    case 'direct':
      return `${m.from} -> ${m.to}: ${m.text}`;
    case 'page':
      return `PAGE from ${m.from} to ${m.to}`;
    case 'join':
      return `*** ${m.handle} joined`;
    case 'leave':
      return `*** ${m.handle} left`;
  }
}

describe('member: entering and leaving', () => {
  it('enters with the history and its own join, delivering nothing during enter()', () => {
    const board = makeBoard();
    const [alice] = board.enterAll('alice');
    alice!.member.input('earlier line');
    const bob = board.seat('bob', 2);
    const result = bob.member.enter();
    expect(result).toEqual({
      ok: true,
      history: [{ kind: 'public', from: 'alice', text: 'earlier line', at: T0 }],
      joined: [{ kind: 'join', handle: 'bob', at: T0 }],
    });
    expect(bob.seen).toEqual([]);
    expect(bob.member.inRoom).toBe(true);
    expect(alice!.texts()).toEqual(['alice: earlier line', '*** bob joined']);
  });

  it('treats a second enter() as a no-op with nothing new to show', () => {
    const board = makeBoard();
    const [alice] = board.enterAll('alice');
    expect(alice!.member.enter()).toEqual({ ok: true, history: [], joined: [] });
    expect(board.room.participantCount()).toBe(1);
  });

  it('leaves once: the others hear it once, and the member hears nothing more', () => {
    const board = makeBoard();
    const [alice, bob] = board.enterAll('alice', 'bob');
    bob!.member.leave();
    bob!.member.leave();
    alice!.member.input('still there?');
    bob!.member.input('hello?');
    expect(alice!.texts()).toEqual(['*** bob left', 'alice: still there?']);
    expect(bob!.seen).toEqual([]);
    expect(bob!.member.inRoom).toBe(false);
    expect(board.room.isInChat('id-bob')).toBe(false);
  });

  it('does not come back after leave()', () => {
    const board = makeBoard();
    const [alice] = board.enterAll('alice');
    alice!.member.leave();
    expect(alice!.member.enter()).toEqual({ ok: false, error: 'You have left the room.' });
    expect(board.room.participantCount()).toBe(0);
  });

  it.each(['/quit', '/q', '/QUIT'])('%s leaves the room and asks to quit', (line) => {
    const board = makeBoard();
    const [alice, bob] = board.enterAll('alice', 'bob');
    bob!.member.input(line);
    expect(bob!.state.quits).toBe(1);
    expect(bob!.member.inRoom).toBe(false);
    expect(alice!.texts()).toEqual(['*** bob left']);
  });
});

describe('member: a full room', () => {
  it('stays outside, retries on Enter, is told when a seat frees, and says the kept lines on the way in', () => {
    const board = makeBoard(1);
    const [alice] = board.enterAll('alice');
    alice!.member.input('first');
    const bob = board.seat('bob', 2);
    expect(bob.member.enter()).toEqual({ ok: false, error: 'Chat room is at capacity. Please try again later.' });
    expect(bob.member.inRoom).toBe(false);

    bob.member.input('');
    expect(bob.texts()).toEqual(['-- Chat room is at capacity. Please try again later. Press Enter to try again, or type /quit.']);
    bob.clear();
    bob.member.input('let me in');
    expect(bob.texts()).toEqual([
      '-- You are not in the room yet: your line will be said when you get in (1 waiting).',
      '-- Chat room is at capacity. Please try again later. Press Enter to try again, or type /quit.',
    ]);
    expect(alice!.texts()).toEqual(['alice: first']);

    bob.clear();
    alice!.member.leave();
    expect(bob.texts()).toEqual(['-- A seat in the room is free: press Enter to come in.']);
    bob.clear();
    bob.member.input('');
    expect(bob.member.inRoom).toBe(true);
    expect(bob.texts()).toEqual(['alice: first', '*** bob joined', 'bob: let me in']);
    expect(bob.earlier.map(shown)).toEqual(['alice: first']);
  });

  it('can be reached by /msg and /page while outside, and can answer', () => {
    const board = makeBoard(1);
    const [alice] = board.enterAll('alice');
    const bob = board.seat('bob', 2);
    bob.member.enter();
    alice!.member.input('/msg bob wait a minute');
    alice!.member.input('/page bob');
    expect(bob.texts()).toEqual(['alice -> bob: wait a minute', 'PAGE from alice to bob']);
    bob.member.input('/r ok');
    expect(alice!.texts().at(-1)).toBe('bob -> alice: ok');
  });

  it('hears nothing of the room while outside but private lines', () => {
    const board = makeBoard(1);
    const [alice] = board.enterAll('alice');
    const bob = board.seat('bob', 2);
    bob.member.enter();
    alice!.member.input('private party');
    expect(bob.seen).toEqual([]);
  });

  it('quits from outside with /quit', () => {
    const board = makeBoard(1);
    board.enterAll('alice');
    const bob = board.seat('bob', 2);
    bob.member.enter();
    bob.member.input('/q');
    expect(bob.state.quits).toBe(1);
    expect(bob.seen).toEqual([]);
  });
});

describe('member: talking', () => {
  it('says a plain line to everyone, cleaned', () => {
    const board = makeBoard();
    const [alice, bob] = board.enterAll('alice', 'bob');
    alice!.member.input('  hi \u001b[31mall\u001b]52;c;AA==\u0007 \u202e!  ');
    expect(alice!.texts()).toEqual(['alice: hi all !']);
    expect(bob!.seen).toEqual([{ kind: 'public', from: 'alice', text: 'hi all !', at: T0 }]);
  });

  it('caps a long line at maxMessageLength', () => {
    const board = makeBoard();
    const [alice] = board.enterAll('alice');
    alice!.member.input('x'.repeat(1_000));
    expect(alice!.texts()).toEqual([`alice: ${'x'.repeat(80)}`]);
  });

  it.each(['', '   ', '\u001b[0m', '\u0000\u0007'])('sends nothing for %j', (line) => {
    const board = makeBoard();
    const [alice, bob] = board.enterAll('alice', 'bob');
    alice!.member.input(line);
    expect(alice!.seen).toEqual([]);
    expect(bob!.seen).toEqual([]);
  });

  it('sends //text as a public line starting with /', () => {
    const board = makeBoard();
    const [alice, bob] = board.enterAll('alice', 'bob');
    alice!.member.input('//shrug');
    expect(bob!.texts()).toEqual(['alice: /shrug']);
  });

  it('acts with /me', () => {
    const board = makeBoard();
    const [alice, bob] = board.enterAll('alice', 'bob');
    alice!.member.input('/me waves');
    expect(bob!.seen).toEqual([{ kind: 'action', from: 'alice', text: 'waves', at: T0 }]);
  });

  it.each([
    ['/dance', 'Unknown command. Type /help for available commands.'],
    ['/msg bob', 'Usage: /msg <handle> <message>'],
    ['/me', 'Usage: /me <action>'],
  ])('answers %s to the typist only', (line, answer) => {
    const board = makeBoard();
    const [alice, bob] = board.enterAll('alice', 'bob');
    alice!.member.input(line);
    expect(alice!.seen).toEqual([{ kind: 'system', text: answer, official: false, at: T0 }]);
    expect(bob!.seen).toEqual([]);
  });
});

describe('member: private messages and pages', () => {
  it('sends /msg to its two parties only, to the handle as registered', () => {
    const board = makeBoard();
    const [alice, bob, carol] = board.enterAll('alice', 'Bob', 'carol');
    alice!.member.input('/msg BOB psst \u001b[2Jhere');
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
  ])('answers %s with an error for the typist only', (line, answer) => {
    const board = makeBoard();
    const [alice, bob] = board.enterAll('alice', 'bob');
    alice!.member.input(line);
    expect(alice!.texts()).toEqual([`-- ${answer}`]);
    expect(bob!.seen).toEqual([]);
  });

  it('sends nothing for a /msg whose text cleans to empty', () => {
    const board = makeBoard();
    const [alice, bob] = board.enterAll('alice', 'bob');
    alice!.member.input('/msg bob \u001b[0m');
    expect(alice!.seen).toEqual([]);
    expect(bob!.seen).toEqual([]);
  });

  it('replies with /r to whoever last wrote, and only to them', () => {
    const board = makeBoard();
    const [alice, bob, carol] = board.enterAll('alice', 'bob', 'carol');
    bob!.member.input('/msg alice first');
    carol!.member.input('/msg alice second');
    alice!.member.input('/r got it');
    expect(carol!.texts()).toEqual(['carol -> alice: second', 'alice -> carol: got it']);
    expect(bob!.texts()).toEqual(['bob -> alice: first']);
  });

  it('does not count your own messages as someone to reply to', () => {
    const board = makeBoard();
    const [alice] = board.enterAll('alice', 'bob');
    alice!.member.input('/msg bob hi');
    alice!.clear();
    alice!.member.input('/r again');
    expect(alice!.texts()).toEqual(['-- No one has sent you a private message yet.']);
  });

  it('keeps a reply for the one who has left, to be delivered at their next call', () => {
    const board = makeBoard();
    const [alice, bob] = board.enterAll('alice', 'bob');
    bob!.member.input('/msg alice bye');
    bob!.member.leave();
    alice!.clear();
    alice!.member.input('/r wait');
    expect(alice!.texts()).toEqual(['-- bob is not on the board: your message will be delivered at their next call.']);
    expect(board.waiting).toEqual([{ kind: 'direct', from: 'alice', to: 'bob', text: 'wait', at: T0 }]);
  });

  it('pages the receiver, confirms to the sender, and tells no one else', () => {
    const board = makeBoard();
    const [alice, bob, carol] = board.enterAll('alice', 'bob', 'carol');
    alice!.member.input('/page Bob');
    const page = { kind: 'page', from: 'alice', to: 'bob', at: T0 };
    expect(bob!.seen).toEqual([page]);
    expect(alice!.seen).toEqual([page]);
    expect(carol!.seen).toEqual([]);
  });
});

describe('member: local commands', () => {
  it('lists who is in the room with node numbers', () => {
    const board = makeBoard();
    const [alice, bob] = board.enterAll('alice', 'bob', 'carol');
    alice!.member.input('/who');
    expect(alice!.texts()).toEqual(['-- In the room (3):', '--   alice  node 1', '--   bob    node 2', '--   carol  node 3']);
    expect(bob!.seen).toEqual([]);
  });

  it('shows help, one system line per command, without /announce for callers', () => {
    const board = makeBoard();
    const [alice, bob] = board.enterAll('alice', 'bob');
    alice!.member.input('/?');
    expect(alice!.texts()).toEqual(helpLines({ sysop: false }).map((line) => `-- ${line}`));
    expect(bob!.seen).toEqual([]);
  });

  it('shows /announce in the sysop help', () => {
    const board = makeBoard();
    const [sysop] = board.enterAll('SysOp');
    sysop!.member.input('/help');
    expect(sysop!.texts().some((line) => line.includes('/announce'))).toBe(true);
  });
});

describe('member: announcements', () => {
  it('lets the sysop announce, officially, to everyone and into history', () => {
    const board = makeBoard();
    const [sysop, alice] = board.enterAll('SysOp', 'alice');
    sysop!.member.input('/announce Board restarts at \u001b[1mnoon');
    const announcement = { kind: 'system', text: 'Board restarts at noon', official: true, from: 'SysOp', at: T0 };
    expect(alice!.seen).toEqual([announcement]);
    expect(sysop!.seen).toEqual([announcement]);
    expect(board.room.recentHistory()).toEqual([announcement]);
  });
});

describe('member: flood control', () => {
  const slow = '-- You are typing fast: your lines go out one by one, in order.';

  it('lets a burst through, then queues the rest with one notice and sends it in order at the pace', () => {
    const board = makeBoard();
    const [alice, bob] = board.enterAll('alice', 'bob');
    for (let i = 1; i <= 8; i++) alice!.member.input(`line ${i}`);
    expect(bob!.texts()).toEqual([1, 2, 3, 4, 5].map((n) => `alice: line ${n}`));
    expect(alice!.texts().filter((t) => t === slow)).toHaveLength(1);

    board.advance(1_000);
    expect(bob!.texts().at(-1)).toBe('alice: line 6');
    board.advance(2_000);
    expect(bob!.texts().slice(5)).toEqual([6, 7, 8].map((n) => `alice: line ${n}`));
    expect(board.pendingTimers()).toBe(0);
  });

  it('mutes a caller who floods past the queue, says so and gives the line back', () => {
    const board = makeBoard();
    const [alice, bob] = board.enterAll('alice', 'bob');
    for (let i = 1; i <= 9; i++) alice!.member.input(`line ${i}`);
    expect(alice!.texts().at(-1)).toBe('-- You kept typing too fast: you are muted for 2 minutes. Not sent: line 9');
    board.advance(3_000);
    expect(bob!.texts()).toHaveLength(8);
    alice!.member.input('line 10');
    expect(alice!.texts().at(-1)).toBe('-- You are muted for 2 minutes more. Not sent: line 10');
    board.advance(120_000);
    alice!.member.input('line 11');
    expect(bob!.texts().at(-1)).toBe('alice: line 11');
  });

  it('drops the waiting lines and their timer when the caller leaves', () => {
    const board = makeBoard();
    const [alice, bob] = board.enterAll('alice', 'bob');
    for (let i = 1; i <= 7; i++) alice!.member.input(`line ${i}`);
    alice!.member.leave();
    expect(board.pendingTimers()).toBe(0);
    board.advance(5_000);
    expect(bob!.texts().filter((t) => t.startsWith('alice:'))).toHaveLength(5);
  });

  it.each(['/me waves', '/msg bob hi', '/page bob', '/r hi'])('counts %s against the caller', (line) => {
    const board = makeBoard();
    const [alice, bob] = board.enterAll('alice', 'bob');
    bob!.member.input('/msg alice hi');
    for (let i = 0; i < 5; i++) alice!.member.input(`spam ${i}`);
    alice!.clear();
    alice!.member.input(line);
    expect(alice!.texts()).toEqual([slow]);
  });

  it('does not count /who, /help, errors or empty lines', () => {
    const board = makeBoard();
    const [alice, bob] = board.enterAll('alice', 'bob');
    for (const line of ['/who', '/help', '/dance', '/msg nobody hi', '', '\u001b[0m']) {
      for (let i = 0; i < 3; i++) alice!.member.input(line);
    }
    for (let i = 1; i <= 5; i++) alice!.member.input(`line ${i}`);
    expect(bob!.texts()).toHaveLength(5);
  });
});

describe('member: protection from each other', () => {
  it('/ignore hides lines, actions, private lines and pages, is kept, and lists; /unignore undoes it', () => {
    const board = makeBoard();
    const [alice, bob, carol] = board.enterAll('alice', 'bob', 'carol');
    alice!.member.input('/ignore BOB');
    expect(alice!.texts().at(-1)).toMatch(/^-- You now ignore bob: /);
    expect([...board.ignores.get('alice')!]).toEqual(['bob']);
    alice!.clear();
    for (const line of ['hello', '/me waves', '/msg alice psst', '/page alice']) bob!.member.input(line);
    carol!.member.input('still heard');
    expect(alice!.texts()).toEqual(['carol: still heard']);
    alice!.member.input('/ignore');
    expect(alice!.texts().at(-1)).toBe('-- You ignore: bob. /unignore <handle> to hear them again.');
    alice!.member.input('/unignore bob');
    bob!.member.input('back again');
    expect(alice!.texts().slice(-2)).toEqual(['-- You hear bob again.', 'bob: back again']);
  });

  it.each([
    ['/ignore alice', "-- You can't ignore yourself."],
    ['/ignore zed', '-- There is no account called zed.'],
    ['/ignore b@d', '-- Handles are 2-16 letters, digits, "_" or "-".'],
    ['/unignore bob', '-- You do not ignore bob.'],
    ['/ignore', '-- You ignore no one.'],
  ])('%s → %s', (line, answer) => {
    const board = makeBoard();
    const [alice] = board.enterAll('alice', 'bob');
    alice!.member.input(line);
    expect(alice!.texts()).toEqual([answer]);
  });

  it('keeps an ignore list from an earlier call', () => {
    const board = makeBoard();
    board.ignores.set('alice', new Set(['bob']));
    const [alice, bob] = board.enterAll('alice', 'bob');
    bob!.member.input('hi');
    expect(alice!.texts()).toEqual([]);
  });

  it('refuses a second page to the same person within the cooldown, and says how long to wait', () => {
    const board = makeBoard();
    const [alice, bob] = board.enterAll('alice', 'bob', 'carol');
    alice!.member.input('/page bob');
    alice!.member.input('/page bob');
    alice!.member.input('/page carol');
    expect(alice!.texts()).toEqual(['PAGE from alice to bob', '-- You paged bob a moment ago: wait 30 more seconds.', 'PAGE from alice to carol']);
    expect(bob!.texts()).toEqual(['PAGE from alice to bob']);
    board.advance(30_000);
    alice!.member.input('/page bob');
    expect(bob!.texts()).toHaveLength(2);
  });

  it('/pager off keeps pages away, says so to the pager, is kept, and shows in /who', () => {
    const board = makeBoard();
    const [alice, bob] = board.enterAll('alice', 'bob');
    bob!.member.input('/pager off');
    expect(board.pagers.get('bob')).toBe(true);
    alice!.member.input('/page bob');
    expect(alice!.texts()).toEqual(['-- bob has the pager off.']);
    alice!.member.input('/who');
    expect(alice!.texts()).toContain('--   bob    node 2  pager off');
    bob!.member.input('/pager on');
    alice!.member.input('/page bob');
    expect(bob!.texts().at(-1)).toBe('PAGE from alice to bob');
  });

  it('/away marks the caller away with a reason until their next line, and tells who writes to them', () => {
    const board = makeBoard();
    const [alice, bob] = board.enterAll('alice', 'bob');
    bob!.member.input('/away lunch');
    expect(bob!.texts()).toEqual(['-- You are away: lunch. Type anything to come back.']);
    board.advance(5 * 60_000);
    alice!.member.input('/who');
    expect(alice!.texts()).toContain('--   bob    node 2  away 5m: lunch');
    alice!.member.input('/msg bob are you there');
    expect(alice!.texts().at(-1)).toBe('-- bob is away: lunch.');
    bob!.member.input('back');
    expect(bob!.texts()).toContain('-- Welcome back: you were away for 5m.');
    expect(board.room.participant('id-bob')?.away).toBeUndefined();
  });

  it('/who says how long someone has been idle and marks sysops', () => {
    const board = makeBoard();
    const [alice] = board.enterAll('alice', 'SysOp');
    board.advance(12 * 60_000);
    alice!.member.input('/who');
    expect(alice!.texts()).toEqual(['-- In the room (2):', '--   alice  node 1', '--   SysOp  node 2  sysop  idle 12m']);
  });

  it('/whois tells about someone in the room, someone offline, and no one', () => {
    const board = makeBoard();
    board.addAccount('dave');
    const [alice] = board.enterAll('alice', 'bob');
    board.advance(3 * 60_000);
    alice!.member.input('/whois BOB');
    alice!.member.input('/whois dave');
    alice!.member.input('/whois zed');
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
  it('/kick ends the call, tells the room who did it and why, and is recorded', () => {
    const board = makeBoard();
    const [sysop, bob, carol] = board.enterAll('SysOp', 'bob', 'carol');
    sysop!.member.input('/kick bob spamming');
    expect(board.moderation.ended).toEqual(['bob: You were removed from the board by SysOp: spamming']);
    expect(bob!.member.inRoom).toBe(false);
    expect(carol!.texts()).toEqual(['*** bob left', '-- *** bob was kicked by SysOp: spamming ***']);
    expect(board.moderation.record).toEqual(['SysOp kick bob spamming']);
  });

  it('/mute keeps the lines from the room for the minutes given, tells the muted caller, and /unmute lifts it', () => {
    const board = makeBoard();
    const [sysop, bob, carol] = board.enterAll('SysOp', 'bob', 'carol');
    sysop!.member.input('/mute bob 5 calm down');
    expect(board.moderation.notes).toEqual(['bob: You are muted for 5 minutes by SysOp: calm down']);
    bob!.member.input('LOUD');
    expect(bob!.texts().at(-1)).toBe('-- You are muted for 5 minutes more. Not sent: LOUD');
    expect(carol!.texts()).toEqual([]);
    sysop!.member.input('/who');
    expect(sysop!.texts()).toContain('--   bob    node 2  muted');
    sysop!.member.input('/unmute bob');
    bob!.member.input('sorry');
    expect(carol!.texts()).toEqual(['bob: sorry']);
    expect(board.moderation.record).toEqual(['SysOp mute bob 5 min: calm down', 'SysOp unmute bob']);
  });

  it('/ban keeps the ban with its end and reason, ends the call, and /unban lifts it', () => {
    const board = makeBoard();
    const [sysop, bob, carol] = board.enterAll('SysOp', 'bob', 'carol');
    sysop!.member.input('/ban bob 7d abuse');
    expect(board.moderation.banned.get('bob')).toEqual({ until: T0 + 7 * 86_400_000, reason: 'abuse', by: 'SysOp' });
    expect(bob!.member.inRoom).toBe(false);
    expect(carol!.texts().at(-1)).toBe('-- *** bob was banned by SysOp until 2023-11-21 22:13 UTC: abuse ***');
    sysop!.member.input('/unban bob');
    expect(sysop!.texts().at(-1)).toBe('-- bob may call again.');
    sysop!.member.input('/unban bob');
    expect(sysop!.texts().at(-1)).toBe('-- bob is not banned.');
  });

  it.each([
    ['bob', '/kick carol', '-- Only sysops can do that.'],
    ['SysOp', '/ban SysOp', "-- You can't ban yourself."],
    ['SysOp', '/ban Admin2', '-- Admin2 is a sysop: make them a user first (bbs user role Admin2 user).'],
    ['SysOp', '/kick zed', '-- There is no account called zed.'],
    ['SysOp', '/kick dave', '-- dave is not on the board.'],
    ['SysOp', '/mute dave', '-- dave is not in the room.'],
  ])('%s: %s → %s', (who, line, answer) => {
    const board = makeBoard();
    board.addAccount('dave');
    board.addAccount('Admin2', true);
    const seats = board.enterAll('SysOp', 'bob', 'carol');
    const actor = seats.find((s) => s.handle === who)!;
    actor.member.input(line);
    expect(actor.texts()).toEqual([answer]);
    expect(board.moderation.record).toEqual([]);
  });

  it('a role change while on the board takes effect at once', () => {
    const board = makeBoard();
    const [alice, bob] = board.enterAll('alice', 'bob');
    alice!.member.input('/kick bob');
    expect(alice!.texts().at(-1)).toBe('-- Only sysops can do that.');
    alice!.member.setSysop(true);
    expect(alice!.texts().at(-1)).toBe('-- You are now a sysop: /help lists your commands.');
    alice!.member.input('/kick bob');
    expect(bob!.member.inRoom).toBe(false);
  });
});

describe('member: messages that wait', () => {
  it('keeps /msg and /page for an account that is not on, within the limits per sender and recipient', () => {
    const board = makeBoard();
    board.addAccount('dave');
    const [alice, bob] = board.enterAll('alice', 'bob');
    alice!.member.input('/msg DAVE see you');
    alice!.member.input('/page dave');
    alice!.member.input('/msg dave third');
    bob!.member.input('/msg dave from bob');
    bob!.member.input('/msg dave one too many');
    expect(alice!.texts()).toEqual([
      '-- dave is not on the board: your message will be delivered at their next call.',
      '-- dave is not on the board: your page will be delivered at their next call.',
      '-- You already have as many messages waiting for dave as the board keeps. Not sent.',
    ]);
    expect(bob!.texts().at(-1)).toBe('-- dave has as many messages waiting as the board keeps. Not sent.');
    expect(board.waiting.map(shown)).toEqual(['alice -> dave: see you', 'PAGE from alice to dave', 'bob -> dave: from bob']);
  });

  it('delivers what waited, with a count, leaving out whom the caller ignores, and /r answers the last', () => {
    const board = makeBoard();
    board.ignores.set('dave', new Set(['bob']));
    const [dave, alice] = board.enterAll('dave', 'alice');
    dave!.member.deliverWaiting([
      { kind: 'direct', from: 'alice', to: 'dave', text: 'see you', at: T0 - 5000 },
      { kind: 'page', from: 'alice', to: 'dave', at: T0 - 4000 },
      { kind: 'direct', from: 'bob', to: 'dave', text: 'hidden', at: T0 - 3000 },
    ]);
    expect(dave!.texts()).toEqual(['-- 2 messages while you were away:', 'alice -> dave: see you', 'PAGE from alice to dave']);
    dave!.member.input('/r got it');
    expect(alice!.texts()).toEqual(['dave -> alice: got it']);
  });

  it('says nothing when nothing waited', () => {
    const board = makeBoard();
    const [dave] = board.enterAll('dave');
    dave!.member.deliverWaiting([]);
    expect(dave!.texts()).toEqual([]);
  });

  it('hands /passwd and /keys to the account handler, and tells the room nothing', () => {
    const board = makeBoard();
    const [alice, bob] = board.enterAll('alice', 'bob');
    alice!.member.input('/passwd');
    alice!.member.input('/keys remove SHA256:x');
    expect(alice!.state.account).toEqual([{ kind: 'passwd' }, { kind: 'keys', remove: 'SHA256:x' }]);
    expect(bob!.seen).toEqual([]);
  });

  it('/last lists the latest callers and /users every account, in the room or not', () => {
    const board = makeBoard();
    board.addAccount('dave');
    const [alice] = board.enterAll('alice', 'SysOp');
    alice!.member.input('/last');
    alice!.member.input('/users');
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
