import { afterEach, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../src/chat/messages.js';
import { createBbsScreen, type BbsScreen } from '../../src/ui/screen.js';
import type { Teleconference, TeleconferenceOptions } from '../../src/ui/teleconference-api.js';
import { COUNT_HOLD_MS } from '../../src/ui/title-bar.js';
import { TEST_TIME, testTeleconference } from '../helpers/teleconference.js';
import { createFakeTerminal, type FakeTerminal } from '../helpers/virtual-terminal.js';

const at = TEST_TIME;
const HANDLES = ['alice', 'alfred', 'bob', 'carol'];

const KEYS = { enter: '\r', up: '\x1b[A', pageUp: '\x1b[5~', pageDown: '\x1b[6~', tab: '\t', ctrlC: '\x03', ctrlD: '\x04' };

const say = (from: string, text: string): ChatMessage => ({ kind: 'public', at, from, text });

interface Caller {
  fake: FakeTerminal;
  bbs: BbsScreen;
  tele: Teleconference;
  lines: string[];
  leaves: number;
  renders: () => number;
}

const opened: Caller[] = [];

function open(handle: string, cols = 80, rows = 24, options: Partial<TeleconferenceOptions> = {}): Caller {
  const fake = createFakeTerminal(cols, rows);
  const bbs = createBbsScreen(fake.terminal);
  let renders = 0;
  bbs.screen.on('render', () => renders++);
  const tele = testTeleconference(bbs, handle, {
    completions: (prefix) => HANDLES.filter((h) => h.startsWith(prefix.toLowerCase())),
    ...options,
  });
  const caller: Caller = { fake, bbs, tele, lines: [], leaves: 0, renders: () => renders };
  tele.onLine((line) => caller.lines.push(line));
  tele.onLeave(() => caller.leaves++);
  opened.push(caller);
  return caller;
}

/** Row `y` as the caller sees it, without the blanks blessed drew to its right. */
function row(caller: Caller, y: number): string {
  return (caller.fake.vt.lines()[y] ?? '').trimEnd();
}

/** Resolves after the screen has drawn once more and the terminal has read it all. */
async function nextFrame(caller: Caller): Promise<void> {
  const before = caller.renders();
  caller.bbs.requestRender();
  await expect.poll(() => caller.renders()).toBeGreaterThan(before);
  await caller.fake.vt.settled();
}

afterEach(() => {
  for (const { tele, bbs, fake } of opened.splice(0)) {
    tele.destroy();
    bbs.destroy();
    fake.dispose();
  }
});

describe('teleconference screen', () => {
  it('ends on the last head count when a crowd arrives, though it shows at most one a second', async () => {
    let count = 3;
    const bob = open('bob', 80, 24, { roomCount: () => count });
    await bob.fake.vt.waitFor('3 in room');
    // Joins that reach the screen only as lines (no refresh), as from another worker.
    for (const handle of ['carol', 'dave', 'erin']) {
      count++;
      bob.tele.show({ kind: 'join', at, handle });
    }
    await bob.fake.vt.waitFor('*** erin has joined the chat ***');
    await bob.fake.vt.waitFor('| 6 in room |', 3 * COUNT_HOLD_MS);
  });

  it('shows a public message in the board style under a title bar', async () => {
    const bob = open('bob');
    bob.tele.show(say('alice', 'hello'));
    await bob.fake.vt.waitFor('[09:05] alice: hello');
    expect(row(bob, 0)).toMatch(/^ Test BBS +Node 2 \| bob \| 3 in room \| 09:05$/);
    expect(row(bob, 21)).toBe('[09:05] alice: hello');
    expect(row(bob, 22)).toBe('Type /help for commands   PgUp/PgDn scroll   Ctrl-D leaves');
    expect(row(bob, 23)).toBe('>');
  });

  it('names the zone a caller chose in the title, and drops the name when they go back to the board\'s', async () => {
    const bob = open('bob');
    await bob.fake.vt.waitFor('| 09:05');
    bob.tele.setTimeZone('Asia/Tokyo');
    await expect.poll(() => row(bob, 0)).toMatch(/\| 18:05 \S+$/);
    bob.tele.setTimeZone('UTC');
    await expect.poll(() => row(bob, 0)).toMatch(/\| 09:05 UTC$/);
    bob.tele.setTimeZone(undefined);
    await expect.poll(() => row(bob, 0)).toMatch(/\| bob \| 3 in room \| \d\d:\d\d$/);
  });

  it('shows tag-looking text literally', async () => {
    const bob = open('bob');
    bob.tele.show(say('alice', '{red-fg}x{/red-fg} {bold}'));
    await bob.fake.vt.waitFor('[09:05] alice: {red-fg}x{/red-fg} {bold}');
  });

  it('sends the typed line on Enter and clears the input', async () => {
    const bob = open('bob');
    bob.fake.type('hello');
    await bob.fake.vt.waitFor('> hello');
    expect(bob.fake.vt.cursor()).toEqual({ x: 7, y: 23 });
    bob.fake.type(KEYS.enter);
    await expect.poll(() => bob.lines).toEqual(['hello']);
    await nextFrame(bob);
    expect(row(bob, 23)).toBe('>');
  });

  it('hands an empty line to the handler to ignore', async () => {
    const bob = open('bob');
    bob.fake.type(KEYS.enter);
    await expect.poll(() => bob.lines).toEqual(['']);
  });

  it('recalls the previous line with Up', async () => {
    const bob = open('bob');
    bob.fake.type(`first${KEYS.enter}second${KEYS.enter}`);
    await expect.poll(() => bob.lines).toEqual(['first', 'second']);
    bob.fake.type(KEYS.up + KEYS.up);
    await bob.fake.vt.waitFor('> first');
    bob.fake.type(KEYS.enter);
    await expect.poll(() => bob.lines).toEqual(['first', 'second', 'first']);
  });

  it('caps the line at the longest message as it is typed', async () => {
    const bob = open('bob', 80, 24, { maxMessageLength: 5 });
    bob.fake.type(`abcdefgh${KEYS.enter}`);
    await expect.poll(() => bob.lines).toEqual(['abcde']);
  });

  it.each([
    [40, 12],
    [250, 80],
  ])('keeps the title, the log and the input usable after a resize to %ix%i', async (cols, rows) => {
    const bob = open('bob');
    bob.tele.show(say('alice', 'before the resize'));
    await bob.fake.vt.waitFor('alice: before the resize');
    bob.fake.resize(cols, rows);
    bob.tele.show(say('carol', 'after'));
    bob.fake.type('typed');
    // The screen takes the new size after the resize debounce: wait for the input on the new last row.
    await bob.fake.vt.until(() => row(bob, rows - 1) === '> typed', 'the input line on the last row');
    await bob.fake.vt.waitFor('[09:05] carol: after');
    const lines = bob.fake.vt.lines().map((l) => l.trimEnd());
    expect(lines).toHaveLength(rows);
    expect(lines[0]).toContain('09:05');
    expect(lines[0]).toContain('bob');
    expect(lines[rows - 4]).toBe('[09:05] alice: before the resize');
    expect(lines[rows - 3]).toBe('[09:05] carol: after');
    expect(lines[rows - 1]).toBe('> typed');
    expect(bob.fake.vt.cursor()).toEqual({ x: 7, y: rows - 1 });
  });

  it('wraps a long message to the width', async () => {
    const bob = open('bob', 40, 12);
    bob.tele.show(say('alice', 'one two three four five six seven eight nine ten'));
    await bob.fake.vt.waitFor('nine ten');
    expect([row(bob, 8), row(bob, 9)]).toEqual(['[09:05] alice: one two three four five', 'six seven eight nine ten']);
  });

  it('scrolls back with PgUp and tells a reader scrolled up about new lines below', async () => {
    const bob = open('bob', 40, 12);
    for (let i = 1; i <= 30; i++) bob.tele.show(say('alice', `message ${i}`));
    await bob.fake.vt.waitFor('alice: message 30');
    bob.fake.type(KEYS.pageUp);
    await bob.fake.vt.waitFor('alice: message 15');
    expect(bob.fake.vt.text()).not.toContain('message 30');
    bob.tele.show(say('carol', 'something new'));
    await bob.fake.vt.waitFor('-- 9 more below (PgDn) --');
    expect(bob.fake.vt.text()).not.toContain('something new');
    bob.fake.type(KEYS.pageDown + KEYS.pageDown);
    await bob.fake.vt.waitFor('carol: something new');
    expect(bob.fake.vt.text()).not.toContain('more below');
  });

  it('returns to the newest lines when the reader sends a line', async () => {
    const bob = open('bob', 40, 12);
    for (let i = 1; i <= 30; i++) bob.tele.show(say('alice', `message ${i}`));
    bob.fake.type(KEYS.pageUp);
    await bob.fake.vt.waitFor('more below');
    bob.fake.type(`hi${KEYS.enter}`);
    await bob.fake.vt.waitFor('alice: message 30');
    expect(bob.fake.vt.text()).not.toContain('more below');
  });

  it('rings the bell of the receiver of a direct message only', async () => {
    const alice = open('alice');
    const bob = open('bob');
    const carol = open('carol');
    const direct: ChatMessage = { kind: 'direct', at, from: 'alice', to: 'bob', text: 'psst' };
    for (const caller of [alice, bob, carol]) caller.tele.show(direct);
    await bob.fake.vt.waitFor('[09:05] *alice* → you: psst');
    await alice.fake.vt.waitFor('[09:05] you → *bob*: psst');
    await carol.fake.vt.waitFor('*alice* → *bob*: psst');
    expect([alice.fake.vt.bells, bob.fake.vt.bells, carol.fake.vt.bells]).toEqual([0, 1, 0]);
  });

  it('rings the bell of a paged caller', async () => {
    const bob = open('bob');
    bob.tele.show({ kind: 'page', at, from: 'alice', to: 'bob' });
    await bob.fake.vt.waitFor('alice is paging you!');
    expect(bob.fake.vt.bells).toBe(1);
  });

  it('moves the title clock on at the turn of the minute', async () => {
    let time = Date.UTC(2024, 0, 15, 9, 5, 59, 800);
    const bob = open('bob', 80, 24, { now: () => time });
    await bob.fake.vt.until(() => row(bob, 0).endsWith('| 09:05'), 'the clock at 09:05');
    time = Date.UTC(2024, 0, 15, 9, 6, 0, 0);
    await bob.fake.vt.until(() => row(bob, 0).endsWith('| 09:06'), 'the clock at 09:06');
  });

  it('does not ring for a replayed direct message', async () => {
    const bob = open('bob');
    bob.tele.show({ kind: 'direct', at, from: 'alice', to: 'bob', text: 'old' }, { earlier: true });
    await bob.fake.vt.waitFor('*alice* → you: old');
    expect(bob.fake.vt.bells).toBe(0);
  });

  it('draws 100 messages shown in one tick in one frame', async () => {
    const bob = open('bob');
    await nextFrame(bob);
    const writes = bob.fake.output.chunks.length;
    for (let i = 1; i <= 100; i++) bob.tele.show(say('alice', `burst ${i}`));
    await bob.fake.vt.waitFor('alice: burst 100');
    await new Promise((resolve) => setImmediate(resolve));
    expect(bob.fake.output.chunks.length - writes).toBe(1);
  });

  it('draws the same screen one line per frame as all lines in one frame', async () => {
    const text = (i: number) => (i % 3 === 0 ? `long line ${i} ${'word '.repeat(i % 7 + 4)}end` : `line ${i}`);
    const stepwise = open('bob', 40, 12);
    const atOnce = open('bob', 40, 12);
    for (let i = 1; i <= 16; i++) {
      const writes = stepwise.fake.output.chunks.length;
      stepwise.tele.show(say('alice', text(i)));
      await expect.poll(() => stepwise.fake.output.chunks.length).toBeGreaterThan(writes);
    }
    await stepwise.fake.vt.settled();
    for (let i = 1; i <= 16; i++) atOnce.tele.show(say('alice', text(i)));
    await nextFrame(atOnce);
    const screenOf = (caller: Caller) => caller.fake.vt.lines().map((line) => line.trimEnd());
    expect(screenOf(stepwise)).toEqual(screenOf(atOnce));
    expect(row(stepwise, 9)).toBe('[09:05] alice: line 16');
  });

  it('scrolls the terminal for a new line instead of writing the log again', async () => {
    const bob = open('bob', 80, 24);
    for (let i = 1; i <= 30; i++) bob.tele.show(say('alice', `message number ${i} with some words in it`));
    await bob.fake.vt.waitFor('message number 30 with');
    await nextFrame(bob);
    const written = bob.fake.output.chunks.length;
    bob.tele.show(say('carol', 'one more'));
    await bob.fake.vt.waitFor('[09:05] carol: one more');
    expect(row(bob, 20)).toBe('[09:05] alice: message number 30 with some words in it');
    expect(row(bob, 1)).toBe('[09:05] alice: message number 11 with some words in it');
    const bytes = bob.fake.output.chunks.slice(written).join('').length;
    const logText = bob.fake.vt.lines().slice(1, 22).join('').length;
    expect(bytes).toBeLessThan(logText / 4);
  });

  it('does not draw the log again for a keystroke', async () => {
    const bob = open('bob');
    bob.tele.show(say('alice', 'hello'));
    await bob.fake.vt.waitFor('alice: hello');
    const written = bob.fake.output.chunks.length;
    bob.fake.type('typing');
    await bob.fake.vt.waitFor('> typing');
    expect(bob.fake.output.chunks.slice(written).join('')).not.toContain('hello');
    bob.tele.show(say('alice', 'again'));
    await bob.fake.vt.waitFor('alice: again');
    expect(row(bob, 21)).toBe('[09:05] alice: again');
    expect(row(bob, 20)).toBe('[09:05] alice: hello');
  });

  it('replays earlier messages between dividers', async () => {
    const bob = open('bob');
    bob.tele.showHistory([say('alice', 'old news'), { kind: 'action', at, from: 'carol', text: 'yawns' }]);
    bob.tele.show({ kind: 'join', at, handle: 'bob' });
    await bob.fake.vt.waitFor('*** bob has joined the chat ***');
    expect([17, 18, 19, 20, 21].map((y) => row(bob, y))).toEqual([
      '--- earlier messages ---',
      '[09:05] alice: old news',
      '* carol yawns',
      '--- end of earlier messages ---',
      '*** bob has joined the chat ***',
    ]);
  });

  it('shows nothing for an empty history', async () => {
    const bob = open('bob');
    bob.tele.showHistory([]);
    await nextFrame(bob);
    expect(bob.fake.vt.text()).not.toContain('earlier');
  });

  describe('Tab', () => {
    it('completes the one handle that matches, as the addressee at the start of a line', async () => {
      const bob = open('bob');
      bob.fake.type(`ca${KEYS.tab}hi${KEYS.enter}`);
      await expect.poll(() => bob.lines).toEqual(['carol: hi']);
    });

    it('completes a handle after a command with a space', async () => {
      const bob = open('bob');
      bob.fake.type(`/msg car${KEYS.tab}hi${KEYS.enter}`);
      await expect.poll(() => bob.lines).toEqual(['/msg carol hi']);
    });

    it('completes the common start of several handles and lists them', async () => {
      const bob = open('bob');
      bob.fake.type(`a${KEYS.tab}`);
      await bob.fake.vt.waitFor('Tab: alfred  alice');
      expect(row(bob, 23)).toBe('> al');
      bob.fake.type('i');
      await bob.fake.vt.waitFor('> ali');
      expect(bob.fake.vt.text()).not.toContain('Tab:');
    });

    it('says so when no one matches', async () => {
      const bob = open('bob');
      bob.fake.type(`zz${KEYS.tab}`);
      await bob.fake.vt.waitFor('No one here starts with "zz".');
    });

    it('completes before the cursor and keeps what follows', async () => {
      const bob = open('bob');
      bob.fake.type(`hi bo there${'\x1b[D'.repeat(6)}${KEYS.tab}${KEYS.enter}`);
      await expect.poll(() => bob.lines).toEqual(['hi bob  there']);
    });
  });

  describe('leaving', () => {
    it.each([
      ['Ctrl-C on an empty line answered y', `${KEYS.ctrlC}y`],
      ['Ctrl-D on an empty line', KEYS.ctrlD],
    ])('%s calls the leave handler once', async (_what, key) => {
      const bob = open('bob');
      bob.fake.type(key + key);
      await expect.poll(() => bob.leaves).toBe(1);
      bob.fake.type(`late${KEYS.enter}`);
      await nextFrame(bob);
      expect(bob.leaves).toBe(1);
      expect(bob.lines).toEqual([]);
    });

    it('Ctrl-C clears a typed line; on an empty line it asks, and anything but y stays', async () => {
      const bob = open('bob');
      bob.fake.type(`half a sentence${KEYS.ctrlC}`);
      await bob.fake.vt.waitFor(/^>\s*$/m);
      bob.fake.type(KEYS.ctrlC);
      await bob.fake.vt.waitFor('Leave the board? y/N');
      bob.fake.type(`n`);
      await bob.fake.vt.waitFor(/^>\s*$/m);
      bob.fake.type(`still here${KEYS.enter}`);
      await expect.poll(() => bob.lines).toEqual(['still here']);
      expect(bob.leaves).toBe(0);
    });

    it('says so when the line is full, instead of dropping keys without a word', async () => {
      const bob = open('bob', 80, 24, { maxMessageLength: 10 });
      bob.fake.type('0123456789x');
      await bob.fake.vt.waitFor('A line holds at most 10 characters.');
      bob.fake.type(KEYS.enter);
      await expect.poll(() => bob.lines).toEqual(['0123456789']);
    });

    it('Ctrl-D on a typed line deletes instead of leaving', async () => {
      const bob = open('bob');
      bob.fake.type(`abc\x1b[D${KEYS.ctrlD}${KEYS.enter}`);
      await expect.poll(() => bob.lines).toEqual(['ab']);
      expect(bob.leaves).toBe(0);
    });
  });

  it('stops listening and removes its widgets on destroy, and may be destroyed twice', async () => {
    const bob = open('bob');
    bob.tele.show(say('alice', 'still here'));
    await bob.fake.vt.waitFor('still here');
    bob.tele.destroy();
    bob.tele.destroy();
    bob.tele.show(say('alice', 'too late'));
    bob.fake.type(`ignored${KEYS.enter}`);
    await nextFrame(bob);
    expect(bob.fake.vt.text().trim()).toBe('');
    expect(bob.lines).toEqual([]);
    expect(bob.bbs.screen.children).toHaveLength(0);
  });
});
