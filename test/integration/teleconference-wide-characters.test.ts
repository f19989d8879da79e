/**
 * Wide and joined characters through the real board: CJK, emoji, ZWJ sequences, flags, keycaps
 * and combining marks, at several widths, each case sent by one caller and read back from
 * another's screen through the headless terminal (which measures widths the way current
 * terminals do, see test/helpers/grapheme-widths.ts). Every character must arrive — none lost at
 * the end of a full row — no row may be wider than the screen, and the title and status lines
 * must stay whole, also after the screen is drawn again from blessed's picture of it.
 */
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { useRoom, type RoomCaller } from '../helpers/room.js';

const room = useRoom();

/** "[HH:MM] alice: " */
const PREFIX = 15;

const CASES: Array<[string, (width: number) => string]> = [
  ['emoji filling the row to its last column', (w) => `c1🎉👍${'a'.repeat(w - PREFIX - 7)}Z`],
  ['ZWJ sequences, wrapped', (w) => `c2 ${'👨‍👩‍👧 🏳️‍🌈 '.repeat(Math.ceil(w / 6))}Z`],
  ['CJK without spaces, wrapped mid-word', (w) => `c3 ${'中文字'.repeat(Math.ceil(w / 5))}Z`],
  ['flags and keycaps', (w) => `c4 ${'🇯🇵🇫🇷#️⃣'.repeat(Math.ceil(w / 6))}Z`],
  ['combining marks', (w) => `c5 ${'e\u0301a\u0308'.repeat(w)}Z`],
  ['a wide character straddling the last column', (w) => `c6 ${'x'.repeat(w - PREFIX - 4)}中Z`],
  ['skin tones and text emoji made wide', (w) => `c7 ${'👍🏽❤️☺'.repeat(Math.ceil(w / 5))}Z`],
];

/** The log rows from the one holding `tag` up to the one before `alice: done N`. */
function rowsOf(caller: RoomCaller, tag: string, done: string): string[] {
  const rows = caller.vt.lines();
  const start = rows.findIndex((row) => row.includes(`alice: ${tag}`));
  const end = rows.findIndex((row) => row.includes(`alice: ${done}`));
  expect(start, `"${tag}" on the screen:\n${rows.join('\n')}`).toBeGreaterThan(0);
  return rows.slice(start, end);
}

const withoutSpaces = (text: string) => text.replace(/ /g, '');

describe.each([40, 57, 80])('wide characters at %i columns', (width) => {
  it('arrive whole, fit their rows, and leave the title and status lines alone', async () => {
    await room.start({ chat: { flood_burst: 100, flood_per_second: 100 } });
    await room.addUsers(['alice', 'bob']);
    const alice = await room.enter('alice', { cols: width, rows: 24 });
    const bob = await room.enter('bob', { cols: width, rows: 24 });
    await alice.sees('*** bob has joined the chat ***');
    // The clock may turn a minute during the test: the title is compared without it.
    const titleOf = (caller: typeof bob) => caller.vt.lines()[0]?.replace(/\d\d:\d\d/, 'HH:MM');
    const title = titleOf(bob);
    const status = bob.vt.lines()[22];
    const drawn: Array<{ name: string; rows: string[] }> = [];

    for (const [index, [name, text]] of CASES.entries()) {
      alice.type(`${text(width)}\r`);
      alice.type(`done ${index}\r`);
      await bob.sees(`alice: done ${index}`);
      const rows = rowsOf(bob, `c${index + 1}`, `done ${index}`);
      expect(withoutSpaces(rows.join('')), name).toBe(withoutSpaces(`${rows[0]!.slice(0, PREFIX)}${text(width)}`));
      for (const row of rows) expect(stringWidth(row), `${name}: ${row}`).toBeLessThanOrEqual(width);
      drawn.push({ name, rows });
    }
    expect(titleOf(bob)).toBe(title);
    expect(bob.vt.lines()[22]).toBe(status);

    // Page up and back down: blessed and the log draw every row again from their own picture.
    const screenOf = (caller: typeof bob) => [titleOf(caller), ...caller.vt.lines().slice(1)];
    const before = screenOf(bob);
    bob.type('\x1b[5~');
    await bob.sees('more below');
    bob.type('\x1b[6~');
    await bob.vt.until(() => bob.vt.lines()[22] === status, 'the status line back');
    expect(screenOf(bob)).toEqual(before);
  });

  it.each([
    ['CJK', '中文字'],
    ['emoji and a ZWJ sequence', 'a👨‍👩‍👧b🎉'],
    ['a flag, a keycap and marks', '🇯🇵#️⃣e\u0301'],
  ])('shows %s on the input line as typed, with the cursor after it', async (_what, text) => {
    await room.start();
    await room.addUsers(['alice']);
    const alice = await room.enter('alice', { cols: width, rows: 24 });
    alice.type(text);
    await alice.vt.until(() => alice.vt.lines()[23] === `> ${text}`, `"> ${text}" on the input line`);
    expect(alice.vt.cursor()).toEqual({ x: 2 + stringWidth(text), y: 23 });
  });
});

/** A board name holding every kind of wide and joined character; blessed itself draws it. */
const WIDE_NAME = '中文👨‍👩‍👧🇯🇵#️⃣e\u0301 BBS';

describe.each([57, 80])('a wide board name, drawn by blessed, at %i columns', (width) => {
  it('sits whole in the title bar, with the clock at its right end, also after a resize', async () => {
    await room.start({ bbs: { name: WIDE_NAME } });
    await room.addUsers(['alice']);
    const alice = await room.enter('alice', { cols: width, rows: 24 });
    const title = () => alice.vt.lines()[0] ?? '';
    const whole = (columns: number) => {
      const row = title();
      return row.includes(WIDE_NAME) && stringWidth(row) === columns && /\d\d:\d\d $/.test(row);
    };
    await alice.vt.until(() => whole(width), `the whole name and the clock in the title: "${title()}"`);
    alice.resize(width + 3, 24);
    await alice.vt.until(() => whole(width + 3), `the title after a resize: "${title()}"`);
  });

  it('sits whole in the registration form', async () => {
    await room.start({ bbs: { name: WIDE_NAME } });
    const newcomer = await room.call('new', { cols: width, rows: 24 });
    await newcomer.sees('New user registration');
    const row = newcomer.vt.lines().find((line) => line.includes('New user registration')) ?? '';
    expect(row).toContain(`New user registration — ${WIDE_NAME}`);
    expect(stringWidth(row)).toBeLessThanOrEqual(width);
  });
});
