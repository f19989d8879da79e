import { afterEach, describe, expect, it } from 'vitest';
import { formatDuration, goodbyeText, showLineBusy, welcomeLines } from '../../src/ui/banners.js';
import { createBbsScreen, type BbsScreen } from '../../src/ui/screen.js';
import { createFakeTerminal, type FakeTerminal } from '../helpers/virtual-terminal.js';

const opened: Array<{ fake: FakeTerminal; bbs: BbsScreen }> = [];

function open(cols = 80, rows = 24) {
  const fake = createFakeTerminal(cols, rows);
  const bbs = createBbsScreen(fake.terminal);
  opened.push({ fake, bbs });
  return { fake, bbs, vt: fake.vt };
}

afterEach(() => {
  for (const { fake, bbs } of opened.splice(0)) {
    bbs.destroy();
    fake.dispose();
  }
});

describe('goodbyeText', () => {
  const bbsName = 'ssh-bbs';
  it.each<[Parameters<typeof goodbyeText>[0], string]>([
    [{ bbsName, handle: 'alice', durationMs: 724_000, reason: 'quit' }, 'Goodbye, alice. You were on for 12m 04s. Thanks for calling ssh-bbs!\r\n'],
    [{ bbsName, handle: 'alice', reason: 'quit' }, 'Goodbye, alice. Thanks for calling ssh-bbs!\r\n'],
    [{ bbsName, handle: 'alice', durationMs: 5000, reason: 'shutdown' }, 'ssh-bbs is shutting down. Goodbye, alice.\r\n'],
    [{ bbsName, reason: 'shutdown' }, 'ssh-bbs is shutting down. Goodbye.\r\n'],
    [{ bbsName, reason: 'timeout' }, 'Time is up: ssh-bbs waited too long. Goodbye. Please call again.\r\n'],
    [{ bbsName, handle: 'bob', reason: 'idle' }, 'You were idle too long. Goodbye, bob. Please call again.\r\n'],
    [{ bbsName, reason: 'line-busy' }, 'All lines of ssh-bbs are busy. Please call again later.\r\n'],
    [{ bbsName, reason: 'cancelled' }, 'Goodbye. Thanks for calling ssh-bbs.\r\n'],
    [{ bbsName: 'evil\x1b[2J', handle: 'x\x07y', reason: 'quit' }, 'Goodbye, xy. Thanks for calling evil!\r\n'],
  ])('%j', (info, text) => {
    expect(goodbyeText(info)).toBe(text);
  });

  it.each([
    [0, '0s'],
    [999, '0s'],
    [42_000, '42s'],
    [60_000, '1m 00s'],
    [724_000, '12m 04s'],
    [3_723_000, '1h 02m 03s'],
    [-5, '0s'],
  ])('formatDuration(%d) = %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('showLineBusy', () => {
  it('says every line is busy and goes on any key', async () => {
    const { fake, bbs, vt } = open();
    const shown = showLineBusy(bbs, { bbsName: 'Test {bold}BBS', maxNodes: 4 }, { waitMs: 60_000 });
    await vt.waitFor('All 4 lines of Test {bold}BBS are busy.');
    await vt.waitFor('Please call again later.');
    fake.type('x');
    await shown;
    await vt.until(() => !vt.text().includes('busy'), 'the notice to go');
  });

  it('says "the line" when there is only one', async () => {
    const { bbs, vt } = open();
    void showLineBusy(bbs, { bbsName: 'Solo', maxNodes: 1 });
    await vt.waitFor('The line of Solo is busy.');
  });

  it('goes by itself after waitMs', async () => {
    const { bbs, vt } = open();
    const shown = showLineBusy(bbs, { bbsName: 'x', maxNodes: 2 }, { waitMs: 1 });
    await shown;
    await vt.until(() => !vt.text().includes('busy'), 'the notice to go');
  });

  it('goes when the screen is destroyed, leaving no key listener', async () => {
    const { bbs, vt } = open();
    const program = bbs.screen.program as unknown as NodeJS.EventEmitter;
    const shown = showLineBusy(bbs, { bbsName: 'x', maxNodes: 2 }, { waitMs: 60_000 });
    await vt.waitFor('busy');
    expect(program.listenerCount('keypress')).toBe(1);
    bbs.destroy();
    await shown;
    expect(program.listenerCount('keypress')).toBe(0);
  });

  it('fits a 40x12 screen', async () => {
    const { bbs, vt } = open(40, 12);
    void showLineBusy(bbs, { bbsName: 'A Board With A Long Name', maxNodes: 16 });
    await vt.waitFor('Please call again later.');
    expect(vt.lines().every((line) => line.length <= 40)).toBe(true);
  });
});

describe('welcomeLines', () => {
  const info = { bbsName: 'ssh-bbs', tagline: 'A teleconference for everyone', handle: 'alice', node: 3 };

  it.each([
    [
      'a regular, with others in the room',
      { ...info, lastLoginAt: Date.UTC(2026, 4, 1, 14, 3), inRoom: ['bob', 'carol'] },
      ['Welcome to ssh-bbs, alice! A teleconference for everyone', 'You are on node 3. Your last call: 2026-05-01 14:03 UTC.', 'In the room: bob, carol.'],
    ],
    [
      'a first-time caller in an empty room',
      { ...info, lastLoginAt: null, inRoom: [] },
      ['Welcome to ssh-bbs, alice! A teleconference for everyone', 'You are on node 3. This is your first call. Welcome aboard!', 'No one else is in the room yet.'],
    ],
  ])('%s', (_what, given, expected) => {
    expect(welcomeLines(given)).toEqual(expected);
  });

  it('names a full room only as far as two rows of 80 columns, and counts the rest', () => {
    const inRoom = Array.from({ length: 1000 }, (_, i) => `caller${i}`);
    const who = welcomeLines({ ...info, lastLoginAt: null, inRoom })[2]!;
    expect(who).toMatch(/^In the room: caller0, caller1, .*, caller\d+ and \d+ others \(\/who lists everyone\)\.$/);
    const named = who.slice('In the room: '.length, who.indexOf(' and ')).split(', ');
    expect(named).toEqual(inRoom.slice(0, named.length));
    expect(who).toContain(` and ${1000 - named.length} others`);
    expect(who.length).toBeLessThanOrEqual(160);
    expect(named.length).toBeGreaterThan(5);
  });

  it('always names at least one, and says "other" for one more', () => {
    const long = 'x'.repeat(130);
    expect(welcomeLines({ ...info, lastLoginAt: null, inRoom: [long, 'bob'] })[2]).toBe(`In the room: ${long} and 1 other (/who lists everyone).`);
    expect(welcomeLines({ ...info, lastLoginAt: null, inRoom: [long] })[2]).toBe(`In the room: ${long}.`);
  });
});
