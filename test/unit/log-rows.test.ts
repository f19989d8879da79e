import { describe, expect, it } from 'vitest';
import type { StyledLine } from '../../src/ui/message-lines.js';
import { createLogRows, DEFAULT_ATTR, MAX_SHAPES, styleAttr } from '../../src/ui/log-rows.js';

const xterm = { term: 'xterm-256color', colors: 256, el: '\x1b[K' };
const chars = (cells: readonly (readonly [number, string])[]) => cells.map((cell) => cell[1]);

describe('log rows', () => {
  it('encodes a line once per shape and hands every screen of that shape the same rows', () => {
    const rows = createLogRows();
    const line: StyledLine = [{ text: 'hello', style: 'text' }];
    const first = rows.shape(xterm, 20).line(line);
    expect(rows.shape(xterm, 20).line(line)).toBe(first);
    expect(rows.shape(xterm, 30).line(line)).not.toBe(first);
    expect(rows.shape({ ...xterm, term: 'vt100', colors: 8 }, 20).line(line)).not.toBe(first);
  });

  it('gives each row exactly one cell per column: a wide grapheme takes two, a mark joins the cell before it', () => {
    const line: StyledLine = [
      { text: 'a中', style: 'handle' },
      { text: '👨‍👩‍👧e\u0301', style: 'text' },
    ];
    const [row] = createLogRows().shape(xterm, 10).line(line).rows;
    expect(chars(row!.cells)).toEqual(['a', '中', '', '👨‍👩‍👧', '', 'e\u0301', ' ', ' ', ' ', ' ']);
    expect(row!.cells.map((cell) => cell[0])).toEqual([
      ...Array(3).fill(styleAttr('handle')),
      ...Array(3).fill(styleAttr('text')),
      ...Array(4).fill(DEFAULT_ATTR),
    ]);
  });

  it('wraps by display width without splitting a grapheme, every row as wide as the screen', () => {
    const line: StyledLine = [{ text: '中'.repeat(7), style: 'text' }];
    const { rows } = createLogRows().shape(xterm, 5).line(line);
    expect(rows.map((row) => chars(row.cells).join(''))).toEqual(['中中 ', '中中 ', '中中 ', '中   ']);
    for (const row of rows) expect(row.cells).toHaveLength(5);
  });

  it('shares rows that no screen can change', () => {
    const [row] = createLogRows().shape(xterm, 4).line([{ text: 'ab', style: 'text' }]).rows;
    expect(Object.isFrozen(row!.cells)).toBe(true);
    expect(Object.isFrozen(row!.cells[0])).toBe(true);
  });

  it('keeps at most MAX_SHAPES shapes, dropping the one asked for longest ago, so a storm of widths cannot grow it', () => {
    const rows = createLogRows();
    const line: StyledLine = [{ text: 'hello', style: 'text' }];
    const kept = rows.shape(xterm, 80);
    const dropped = rows.shape(xterm, 81);
    const keptLine = kept.line(line);
    for (let width = 100; width < 100 + MAX_SHAPES - 2; width++) rows.shape(xterm, width);
    expect(rows.shape(xterm, 80)).toBe(kept); // asked for again: now the newest
    rows.shape(xterm, 200); // one more than the cap: the oldest (81) goes
    expect(rows.shape(xterm, 80).line(line)).toBe(keptLine);
    const again = rows.shape(xterm, 81);
    expect(again).not.toBe(dropped);
    expect(again.line(line).rows.map((row) => row.bytes)).toEqual(dropped.line(line).rows.map((row) => row.bytes));
  });

  it('a dropped shape still serves the screen that holds it, with the same rows as before', () => {
    const rows = createLogRows(2);
    const line: StyledLine = [{ text: 'still here', style: 'text' }];
    const held = rows.shape(xterm, 40);
    const before = held.line(line);
    rows.shape(xterm, 41);
    rows.shape(xterm, 42);
    expect(rows.shape(xterm, 40)).not.toBe(held);
    expect(held.line(line)).toBe(before);
  });
});
