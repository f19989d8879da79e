import { defaultHandleColor } from '../../src/chat/handle-color.js';
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../src/chat/messages.js';
import {
  formatClock,
  formatDivider,
  formatMessage,
  formatRows,
  formatTitle,
  needsBell,
  type StyledLine,
} from '../../src/ui/message-lines.js';

const at = Date.UTC(2024, 0, 15, 9, 5, 30);
const utc = { timeZone: 'UTC' };
const alice = { handle: 'alice' };
const bob = { handle: 'bob' };
const carol = { handle: 'carol' };
/** A viewer who sent none of the messages below (a sender's own line is drawn for them alone). */
const dave = { handle: 'dave' };

const plain = (line: StyledLine): string => line.map((s) => s.text).join('');

const messages = {
  public: { kind: 'public', at, from: 'alice', text: 'hello' },
  action: { kind: 'action', at, from: 'alice', text: 'waves' },
  join: { kind: 'join', at, handle: 'alice' },
  leave: { kind: 'leave', at, handle: 'alice' },
  system: { kind: 'system', at, text: 'Unknown command. Type /help for available commands.', official: false },
  official: { kind: 'system', at, text: 'Reboot at noon', official: true, from: 'root' },
  direct: { kind: 'direct', at, from: 'alice', to: 'bob', text: 'psst' },
  page: { kind: 'page', at, from: 'alice', to: 'bob' },
} satisfies Record<string, ChatMessage>;

describe('formatMessage', () => {
  it.each([
    ['public', messages.public, '[09:05] alice: hello', '[09:05] alice: hello', '[09:05] alice: hello'],
    ['action', messages.action, '* alice waves', '* alice waves', '* alice waves'],
    ['join', messages.join, '*** alice has joined the chat ***', '*** alice has joined the chat ***', '*** alice has joined the chat ***'],
    ['leave', messages.leave, '*** alice has left the chat ***', '*** alice has left the chat ***', '*** alice has left the chat ***'],
    ['system', messages.system, messages.system.text, messages.system.text, messages.system.text],
    ['official', messages.official, '[09:05] ANNOUNCEMENT SysOp: Reboot at noon', '[09:05] ANNOUNCEMENT SysOp: Reboot at noon', '[09:05] ANNOUNCEMENT SysOp: Reboot at noon'],
    ['direct', messages.direct, '[09:05] you → *bob*: psst', '[09:05] *alice* → you: psst', '[09:05] *alice* → *bob*: psst'],
    ['page', messages.page, '[09:05] You page bob.', '[09:05] alice is paging you!', '[09:05] alice pages bob.'],
  ] as const)('%s for the sender, the receiver and a third party', (_kind, message, sender, receiver, third) => {
    expect(plain(formatMessage(message, alice, utc))).toBe(sender);
    expect(plain(formatMessage(message, bob, utc))).toBe(receiver);
    expect(plain(formatMessage(message, carol, utc))).toBe(third);
  });

  it('styles a public line: timestamp, handle, then the text', () => {
    expect(formatMessage(messages.public, bob, utc)).toEqual([
      { text: '[09:05] ', style: 'timestamp' },
      { text: 'alice', style: `handle-${defaultHandleColor('alice')}` },
      { text: ': ', style: `handle-${defaultHandleColor('alice')}` },
      { text: 'hello', style: 'text' },
    ]);
  });

  it.each([
    ['join', messages.join, ['notice']],
    ['leave', messages.leave, ['notice']],
    ['system', messages.system, ['notice']],
    ['official', messages.official, ['official', 'official']],
    ['direct', messages.direct, ['timestamp', 'private', 'private']],
    ['page', messages.page, ['timestamp', 'page']],
  ] as const)('styles a %s line as %j', (_kind, message, styles) => {
    expect(formatMessage(message, bob, utc).map((s) => s.style)).toEqual(styles);
  });

  it('matches the viewer to a handle whatever its case', () => {
    expect(plain(formatMessage(messages.direct, { handle: 'BOB' }, utc))).toBe('[09:05] *alice* → you: psst');
  });

  it('marks every segment of an earlier message as earlier, keeping the text', () => {
    const line = formatMessage(messages.public, bob, { ...utc, earlier: true });
    expect(plain(line)).toBe('[09:05] alice: hello');
    expect(new Set(line.map((s) => s.style))).toEqual(new Set(['earlier']));
  });

  it('keeps tag-looking text as data', () => {
    const message: ChatMessage = { kind: 'public', at, from: 'alice', text: '{red-fg}x{/red-fg}' };
    expect(formatMessage(message, bob, utc).at(-1)).toEqual({ text: '{red-fg}x{/red-fg}', style: 'text' });
  });

  it('replaces control characters that slipped past the chat core', () => {
    const message: ChatMessage = { kind: 'public', at, from: 'alice', text: 'a\x1b[31mb\nc\x07d\u009be' };
    expect(plain(formatMessage(message, bob, utc))).toBe('[09:05] alice: a\uFFFD[31mb\uFFFDc\uFFFDd\uFFFDe');
  });

  it('shows the time in the zone it is given', () => {
    expect(plain(formatMessage(messages.public, bob, { timeZone: 'Asia/Tokyo' }))).toBe('[18:05] alice: hello');
  });

  it.each(['public', 'action', 'join', 'leave', 'system', 'official'] as const)(
    'hands every viewer but its sender one shared line for a %s message',
    (kind) => {
      const message: ChatMessage = { ...messages[kind] };
      const first = formatMessage(message, dave, utc);
      expect(formatMessage(message, bob, utc)).toBe(first);
      expect(formatMessage(message, carol, utc)).toBe(first);
    },
  );

  it('shares a line only between viewers with the same zone and dimming', () => {
    const message: ChatMessage = { ...messages.public };
    const now = formatMessage(message, dave, utc);
    const earlier = formatMessage(message, bob, { ...utc, earlier: true });
    const tokyo = formatMessage(message, carol, { timeZone: 'Asia/Tokyo' });
    expect(plain(now)).toBe('[09:05] alice: hello');
    expect(new Set(earlier.map((s) => s.style))).toEqual(new Set(['earlier']));
    expect(plain(tokyo)).toBe('[18:05] alice: hello');
    expect(formatMessage(message, carol, { ...utc, earlier: true })).toBe(earlier);
    expect(formatMessage(message, bob, utc)).toBe(now);
  });

  it('answers screens asking in turn for one message in different zones and dimmings each with their own', () => {
    const message: ChatMessage = { ...messages.public };
    const asks = [utc, { timeZone: 'Asia/Tokyo' }, { timeZone: 'Asia/Tokyo', earlier: true }, utc, { ...utc, earlier: true }, utc];
    const stamps = asks.map((options) => plain(formatRows(message, bob, options)[0]!).slice(0, 7));
    expect(stamps).toEqual(['[09:05]', '[18:05]', '[18:05]', '[09:05]', '[09:05]', '[09:05]']);
    const styles = asks.map((options) => formatRows(message, bob, options)[0]![0]!.style);
    expect(styles).toEqual(['timestamp', 'timestamp', 'earlier', 'timestamp', 'earlier', 'timestamp']);
    // A new message object is a new line, even right after the last one was asked for.
    expect(formatRows({ ...message, text: 'bye' }, bob, utc)[0]!.map((s) => s.text).join('')).toBe('[09:05] alice: bye');
  });

  it('hands every viewer the same rows for a pasted block, and each party their own for a private one', () => {
    const block: ChatMessage = { kind: 'public', at, from: 'alice', text: 'one\ntwo\nthree' };
    const rows = formatRows(block, bob, utc);
    expect(rows.map(plain)).toEqual(['[09:05] alice: one', '    two', '    three']);
    // Its sender's own rows are drawn apart (bold), with the same text.
    expect(formatRows(block, alice, utc)).not.toBe(rows);
    expect(formatRows(block, alice, utc).map(plain)).toEqual(rows.map(plain));
    expect(formatRows(block, bob, { ...utc, earlier: true })).not.toBe(rows);
    // The one-line form is made apart: asking for it does not hand out the block's header row.
    expect(formatMessage(block, bob, utc)).not.toBe(rows[0]);
    expect(formatRows(block, carol, utc)).toBe(rows);
    const direct: ChatMessage = { kind: 'direct', at, from: 'alice', to: 'bob', text: 'a\nb' };
    expect(formatRows(direct, alice, utc).map(plain)).toEqual(['[09:05] you → *bob*: a', '    b']);
    expect(formatRows(direct, bob, utc).map(plain)).toEqual(['[09:05] *alice* → you: a', '    b']);
  });

  it('makes a private line for each of its parties', () => {
    const message: ChatMessage = { ...messages.direct };
    const sender = formatMessage(message, alice, utc);
    const receiver = formatMessage(message, bob, utc);
    expect(plain(sender)).toBe('[09:05] you → *bob*: psst');
    expect(plain(receiver)).toBe('[09:05] *alice* → you: psst');
  });
});

describe('formatClock', () => {
  it.each([
    [Date.UTC(2024, 0, 1, 0, 0), '00:00'],
    [Date.UTC(2024, 0, 1, 0, 7), '00:07'],
    [Date.UTC(2024, 0, 1, 12, 30), '12:30'],
    [Date.UTC(2024, 0, 1, 23, 59, 59), '23:59'],
  ])('%i is %s in UTC, 24-hour', (time, expected) => {
    expect(formatClock(time, 'UTC')).toBe(expected);
  });

  it('answers for each zone within one minute, whichever was asked first', () => {
    const time = Date.UTC(2024, 0, 15, 9, 5, 10);
    expect([formatClock(time, 'UTC'), formatClock(time, 'Asia/Tokyo'), formatClock(time, 'Asia/Kolkata')]).toEqual([
      '09:05',
      '18:05',
      '14:35',
    ]);
    expect([formatClock(time + 1000, 'Asia/Kolkata'), formatClock(time + 2000, 'UTC')]).toEqual(['14:35', '09:05']);
  });

  it.each([
    [Date.UTC(2024, 0, 15, 9, 5, 59, 999), '09:05'],
    [Date.UTC(2024, 0, 15, 9, 6, 0, 0), '09:06'],
    [Date.UTC(2024, 0, 15, 9, 5, 0, 0), '09:05'],
    [Date.UTC(2024, 0, 16, 9, 5, 30), '09:05'],
    [Date.UTC(2024, 0, 15, 23, 59, 59, 999), '23:59'],
    [Date.UTC(2024, 0, 16, 0, 0, 0, 0), '00:00'],
  ])('moves on at the turn of each minute, in order and out of order: %i is %s', (time, expected) => {
    expect(formatClock(time, 'UTC')).toBe(expected);
  });
});

describe('formatDivider', () => {
  it('labels a rule', () => {
    expect(formatDivider('earlier messages')).toEqual([{ text: '--- earlier messages ---', style: 'divider' }]);
  });
});

describe('needsBell', () => {
  const direct = messages.direct;
  const page = messages.page;
  it.each([
    ['a direct message, to its receiver', direct, bob, true],
    ['a direct message, to its receiver in another case', direct, { handle: 'Bob' }, true],
    ['a direct message, to its sender', direct, alice, false],
    ['a direct message, to a third party', direct, carol, false],
    ['a page, to its receiver', page, bob, true],
    ['a page, to its sender', page, alice, false],
    ['a page, to a third party', page, carol, false],
    ['a page to oneself', { ...page, to: 'alice' }, alice, false],
    ['a public message naming the viewer', { ...messages.public, text: 'bob!' }, bob, false],
    ['an official announcement, to everyone else', messages.official, bob, true],
    ['an official announcement, to its maker', messages.official, { handle: 'root' }, false],
    ['a join', { ...messages.join, handle: 'bob' }, bob, false],
  ] as const)('%s: %s', (_what, message, viewer, expected) => {
    expect(needsBell(message, viewer)).toBe(expected);
  });
});

describe('formatTitle', () => {
  const parts = { bbsName: 'The Dial-Up Lounge', node: 12, handle: 'alice', count: 7, clock: '09:05' };

  it.each([
    [80, ' The Dial-Up Lounge                         Node 12 | alice | 7 in room | 09:05 '],
    [45, ' The Dial-Up Loun… alice | 7 in room | 09:05 '],
    [40, ' The Dial-Up… alice | 7 in room | 09:05 '],
    [30, ' The Dial-Up L… alice | 09:05 '],
    [12, ' The… 09:05 '],
    [8, '  09:05 '],
  ])('fits %i columns', (width, expected) => {
    const title = formatTitle(parts, width);
    expect(title).toBe(expected);
    expect(title.length).toBe(width);
  });
});
