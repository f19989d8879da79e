import { describe, expect, it } from 'vitest';
import type { StyledLine } from '../../src/ui/message-lines.js';
import { createLogRows, DEFAULT_ATTR, styleAttr } from '../../src/ui/log-rows.js';

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
});
