/**
 * blessed's two pictures of a screen hold one shared, frozen blank row per width until blessed
 * writes into a row (src/ui/blessed-cells.ts): what is drawn must come out the same, and no screen
 * may write into another's rows.
 */
import { afterEach, describe, expect, it } from 'vitest';
import blessed from 'blessed';
import { createBbsScreen, type BbsScreen } from '../../src/ui/screen.js';
import { createFakeTerminal, type FakeTerminal } from '../helpers/virtual-terminal.js';

const opened: Array<{ fake: FakeTerminal; bbs: BbsScreen }> = [];

function open(cols: number, rows: number): { fake: FakeTerminal; bbs: BbsScreen } {
  const fake = createFakeTerminal(cols, rows);
  const bbs = createBbsScreen(fake.terminal);
  opened.push({ fake, bbs });
  return { fake, bbs };
}

afterEach(() => {
  for (const { fake, bbs } of opened.splice(0)) {
    bbs.destroy();
    fake.dispose();
  }
});

describe('blank rows shared until blessed writes', () => {
  type Cells = Array<[number, string]> & { dirty?: boolean };
  type Picture = { lines: Cells[]; olines: Cells[]; dattr: number; fillRegion(attr: number, ch: string, xi: number, xl: number, yi: number, yl: number): void };
  const picture = (bbs: BbsScreen) => bbs.screen as unknown as Picture;

  it('gives every screen of a width the same frozen blank row, in both pictures', () => {
    const [a, b] = [open(40, 12).bbs, open(40, 12).bbs];
    const row = picture(a).lines[0]!;
    expect(Object.isFrozen(row)).toBe(true);
    expect([...row]).toEqual(Array.from({ length: 40 }, () => [picture(a).dattr, ' ']));
    for (const bbs of [a, b]) for (const buffer of [picture(bbs).lines, picture(bbs).olines]) expect(new Set(buffer)).toEqual(new Set([row]));
  });

  it('makes the rows an element covers its screen\'s own before it draws, and no other screen\'s', async () => {
    const first = open(40, 12);
    const second = open(40, 12);
    blessed.box({ parent: first.bbs.screen, top: 3, left: 2, width: 12, height: 3, border: { type: 'line' }, content: 'inside' });
    first.bbs.requestRender();
    await first.fake.vt.until(() => first.fake.vt.lines()[4]?.includes('inside') ?? false, 'the box drawn');
    expect(first.fake.vt.lines().slice(3, 6)).toEqual(['  ┌──────────┐', '  │inside    │', '  └──────────┘']);
    const [mine, theirs] = [picture(first.bbs), picture(second.bbs)];
    for (let y = 3; y < 6; y++) {
      expect(Object.isFrozen(mine.lines[y])).toBe(false);
      expect(Object.isFrozen(mine.olines[y])).toBe(false);
      expect(mine.olines[y]).not.toBe(mine.lines[y]);
    }
    expect(Object.isFrozen(mine.lines[2])).toBe(true);
    expect(Object.isFrozen(mine.lines[6])).toBe(true);
    for (const row of [...theirs.lines, ...theirs.olines]) expect([...row]).toEqual(Array.from({ length: 40 }, () => [theirs.dattr, ' ']));
  });

  it('makes a filled region\'s rows its own, and clears what an element leaves', async () => {
    const { fake, bbs } = open(20, 6);
    picture(bbs).fillRegion(picture(bbs).dattr, '#', 0, 5, 2, 4);
    bbs.requestRender();
    await fake.vt.until(() => fake.vt.lines()[3] === '#####', 'the region filled');
    expect(fake.vt.lines()).toEqual(['', '', '#####', '#####', '', '']);
    const text = blessed.text({ parent: bbs.screen, top: 5, left: 0, width: 8, height: 1, content: 'BOTTOM' });
    bbs.requestRender();
    await fake.vt.until(() => fake.vt.lines()[5] === 'BOTTOM', 'the text drawn');
    text.hide(); // blessed clears where a hidden element was (clearRegion, that is fillRegion)
    bbs.requestRender();
    await fake.vt.until(() => !fake.vt.lines().some((line) => line.includes('BOTTOM')), 'the text gone');
    expect(fake.vt.lines().map((line) => line.trimEnd())).toEqual(['', '', '#####', '#####', '', '']);
  });
});
