import { describe, expect, it } from 'vitest';
import stringWidth from 'string-width';
import type { StyledLine } from '../../src/ui/message-lines.js';
import { MessageLog, countRows, wrapLine } from '../../src/ui/scrollback.js';

const line = (text: string): StyledLine => [{ text, style: 'text' }];
const texts = (rows: readonly StyledLine[]): string[] => rows.map((r) => r.map((s) => s.text).join(''));

function logOf(lines: readonly string[], capacity = 1000): MessageLog {
  const log = new MessageLog({ capacity });
  for (const l of lines) log.append(line(l));
  return log;
}

const numbered = (n: number): string[] => Array.from({ length: n }, (_, i) => `line ${i + 1}`);

const WRAP_CASES = [
    ['breaks at the last space that fits', 'the quick brown fox', 10, ['the quick', 'brown fox']],
    ['breaks a word longer than a row', 'abcdefghijkl', 5, ['abcde', 'fghij', 'kl']],
    ['keeps a line that fits whole', 'hello', 5, ['hello']],
    ['drops the space it breaks on', 'aaaa bbbb', 4, ['aaaa', 'bbbb']],
    ['counts CJK as two columns', '古古古古古', 4, ['古古', '古古', '古']],
    ['never puts half a wide character on a row', 'a古古', 4, ['a古', '古']],
    ['counts emoji as two columns', '👍👍👍', 5, ['👍👍', '👍']],
    ['keeps a skin-toned emoji whole', '👍🏽👍🏽👍🏽', 4, ['👍🏽👍🏽', '👍🏽']],
    ['keeps a ZWJ family whole', 'ab👨‍👩‍👧', 3, ['ab', '👨‍👩‍👧']],
    ['counts combining marks as zero columns', 'e\u0301e\u0301e\u0301e\u0301', 2, ['e\u0301e\u0301', 'e\u0301e\u0301']],
] as const;

describe('MessageLog wrapping', () => {
  it.each(WRAP_CASES)('%s', (_what, text, width, expected) => {
    const rows = texts(logOf([text]).visibleRows(width, 10));
    expect(rows).toEqual(expected);
    for (const row of rows) expect(stringWidth(row)).toBeLessThanOrEqual(width);
  });

  it('keeps styles per segment across a wrap', () => {
    const log = new MessageLog({ capacity: 10 });
    log.append([
      { text: 'alice', style: 'handle' },
      { text: ': ', style: 'handle' },
      { text: 'hello world', style: 'text' },
    ]);
    expect(log.visibleRows(12, 5)).toEqual([
      [
        { text: 'alice: ', style: 'handle' },
        { text: 'hello', style: 'text' },
      ],
      [{ text: 'world', style: 'text' }],
    ]);
  });

  it('shows an empty line as one empty row', () => {
    expect(logOf(['']).visibleRows(10, 5)).toEqual([[]]);
  });

  it('re-wraps for a new width', () => {
    const log = logOf(['one two three four']);
    expect(texts(log.visibleRows(9, 10))).toEqual(['one two', 'three', 'four']);
    expect(texts(log.visibleRows(40, 10))).toEqual(['one two three four']);
  });

  it('re-counts rows for a new width, and again for the old one', () => {
    const log = logOf(['one two three four', 'five six', 'seven']);
    expect(texts(log.visibleRows(9, 4))).toEqual(['three', 'four', 'five six', 'seven']);
    expect(texts(log.visibleRows(40, 4))).toEqual(['one two three four', 'five six', 'seven']);
    log.scroll(-1, 9, 2);
    expect(texts(log.visibleRows(9, 2))).toEqual(['four', 'five six']);
  });

  it('shows a line that fits and needs no joining as the very line it was given', () => {
    const given: StyledLine = [
      { text: 'alice: ', style: 'handle' },
      { text: 'hi', style: 'text' },
    ];
    const log = new MessageLog({ capacity: 5 });
    log.append(given);
    expect(log.visibleRows(20, 3)[0]).toBe(given);
  });

  it('joins pieces of one style and leaves out empty ones in a line that fits', () => {
    expect(
      wrapLine(
        [
          { text: '', style: 'timestamp' },
          { text: 'alice', style: 'handle' },
          { text: ': ', style: 'handle' },
          { text: 'hi', style: 'text' },
        ],
        20,
      ),
    ).toEqual([
      [
        { text: 'alice: ', style: 'handle' },
        { text: 'hi', style: 'text' },
      ],
    ]);
  });
});

describe('countRows', () => {
  const mixed: StyledLine = [
    { text: '[09:05] ', style: 'timestamp' },
    { text: 'alice', style: 'handle' },
    { text: ': ', style: 'handle' },
    { text: 'a 古古 👍🏽 word-longer-than-the-row e\u0301 ', style: 'text' },
  ];

  it.each(WRAP_CASES)('agrees with the rows built: %s', (_what, text, width) => {
    expect(countRows(line(text), width)).toBe(wrapLine(line(text), width).length);
  });

  it.each([1, 2, 3, 5, 8, 13, 21, 40, 80])('agrees with the rows built for a styled line %i columns wide', (width) => {
    expect(countRows(mixed, width)).toBe(wrapLine(mixed, width).length);
  });

  it.each([
    ['no segments', [] as StyledLine],
    ['an empty segment', line('')],
  ])('gives %s one row', (_what, given) => {
    expect(countRows(given, 10)).toBe(1);
    expect(wrapLine(given, 10)).toEqual([[]]);
  });
});

describe('MessageLog capacity and view', () => {
  it('keeps only the newest lines', () => {
    const log = logOf(numbered(5), 3);
    expect(log.length).toBe(3);
    expect(texts(log.visibleRows(20, 10))).toEqual(['line 3', 'line 4', 'line 5']);
  });

  it('rejects a capacity that is not a positive integer', () => {
    expect(() => new MessageLog({ capacity: 0 })).toThrow(RangeError);
  });

  it('shows the newest rows that fit', () => {
    expect(texts(logOf(numbered(10)).visibleRows(20, 3))).toEqual(['line 8', 'line 9', 'line 10']);
  });

  it('counts wrapped rows against the height', () => {
    const log = logOf(['aaa bbb', 'ccc ddd']);
    expect(texts(log.visibleRows(3, 3))).toEqual(['bbb', 'ccc', 'ddd']);
  });

  it('shows nothing for an empty log', () => {
    const log = new MessageLog({ capacity: 5 });
    expect(log.visibleRows(10, 5)).toEqual([]);
    log.pageUp(10, 5);
    expect(log.atBottom).toBe(true);
  });
});

describe('MessageLog scrolling', () => {
  it('pages up by a page less one row, and down again to follow', () => {
    const log = logOf(numbered(20));
    log.pageUp(20, 5);
    expect(texts(log.visibleRows(20, 5))).toEqual(['line 12', 'line 13', 'line 14', 'line 15', 'line 16']);
    expect(log.atBottom).toBe(false);
    expect(log.linesBelow()).toBe(4);
    log.pageDown(20, 5);
    expect(log.atBottom).toBe(true);
    expect(log.linesBelow()).toBe(0);
    expect(texts(log.visibleRows(20, 5)).at(-1)).toBe('line 20');
  });

  it('stops at the first line', () => {
    const log = logOf(numbered(8));
    for (let i = 0; i < 5; i++) log.pageUp(20, 3);
    expect(texts(log.visibleRows(20, 3))).toEqual(['line 1', 'line 2', 'line 3']);
    expect(log.linesBelow()).toBe(5);
  });

  it('does not scroll when everything fits', () => {
    const log = logOf(numbered(3));
    log.pageUp(20, 5);
    expect(log.atBottom).toBe(true);
    expect(texts(log.visibleRows(20, 5))).toEqual(['line 1', 'line 2', 'line 3']);
  });

  it('keeps a scrolled-up view still while new lines arrive, counting them', () => {
    const log = logOf(numbered(10));
    log.pageUp(20, 3);
    const before = texts(log.visibleRows(20, 3));
    const below = log.linesBelow();
    log.append(line('new 1'));
    log.append(line('new 2'));
    expect(texts(log.visibleRows(20, 3))).toEqual(before);
    expect(log.linesBelow()).toBe(below + 2);
  });

  it('follows new lines at the bottom', () => {
    const log = logOf(numbered(10));
    log.append(line('newest'));
    expect(texts(log.visibleRows(20, 2))).toEqual(['line 10', 'newest']);
  });

  it('scrolls row by row through a wrapped line', () => {
    const log = logOf(['aaa bbb ccc', 'ddd']);
    log.scroll(-1, 3, 2);
    expect(texts(log.visibleRows(3, 2))).toEqual(['bbb', 'ccc']);
    log.scroll(-1, 3, 2);
    expect(texts(log.visibleRows(3, 2))).toEqual(['aaa', 'bbb']);
    log.scroll(1, 3, 2);
    expect(texts(log.visibleRows(3, 2))).toEqual(['bbb', 'ccc']);
  });

  it('scrolling to the bottom clears what was below', () => {
    const log = logOf(numbered(10));
    log.pageUp(20, 3);
    log.append(line('new'));
    log.scrollToBottom();
    expect(log.linesBelow()).toBe(0);
    expect(texts(log.visibleRows(20, 3))).toEqual(['line 9', 'line 10', 'new']);
  });

  it('keeps a view whose lines were dropped at the oldest line still kept', () => {
    const log = logOf(numbered(5), 5);
    for (let i = 0; i < 5; i++) log.pageUp(20, 2);
    for (let i = 0; i < 3; i++) log.append(line(`new ${i + 1}`));
    expect(texts(log.visibleRows(20, 2))).toEqual(['line 4', 'line 5']);
    expect(log.atBottom).toBe(false);
  });

  it('stays usable across a resize while scrolled up', () => {
    const log = logOf(numbered(30));
    log.pageUp(40, 10);
    const rows = texts(log.visibleRows(3, 4));
    expect(rows).toHaveLength(4);
    for (const row of rows) expect(stringWidth(row)).toBeLessThanOrEqual(3);
    for (let i = 0; i < 30 && !log.atBottom; i++) log.pageDown(3, 4);
    expect(log.atBottom).toBe(true);
    expect(texts(log.visibleRows(40, 10)).at(-1)).toBe('line 30');
  });
});
