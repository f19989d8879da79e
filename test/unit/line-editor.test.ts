import { describe, expect, it } from 'vitest';
import { LineEditor, type EditResult, type KeyLike } from '../../src/ui/line-editor.js';

/** A keypress as blessed reports it: [ch, key]. */
type Press = [string | undefined, KeyLike];
const ch = (c: string): Press => [c, {}];
const key = (name: string, mods: Partial<KeyLike> = {}): Press => [undefined, { name, ...mods }];
const ctrl = (name: string): Press => [undefined, { name, ctrl: true }];
const meta = (name: string): Press => [undefined, { name, meta: true }];
/** Enter as blessed delivers it for a CR: 'enter' then 'return'. */
const ENTER: Press[] = [
  ['\r', { name: 'enter', sequence: '\r' }],
  ['\r', { name: 'return', sequence: '\r' }],
];

function typeAll(editor: LineEditor, presses: Press[]): EditResult[] {
  return presses.map(([c, k]) => editor.handleKey(c, k));
}

function typed(text: string, ...then: Press[]): Press[] {
  return [...[...text].map(ch), ...then];
}

describe('LineEditor keys', () => {
  it.each<[string, Press[], string, number]>([
    ['inserts printable text', typed('hello'), 'hello', 5],
    ['inserts at the cursor', typed('hllo', key('home'), key('right'), ch('e')), 'hello', 2],
    ['left and right move one character', typed('abc', key('left'), key('left'), key('right')), 'abc', 2],
    ['Home / End', typed('abc', key('home')), 'abc', 0],
    ['Ctrl-A / Ctrl-E', typed('abc', ctrl('a'), ctrl('e')), 'abc', 3],
    ['Backspace deletes before the cursor', typed('abc', key('backspace')), 'ab', 2],
    ['Backspace at the start does nothing', typed('abc', key('home'), key('backspace')), 'abc', 0],
    ['Delete deletes under the cursor', typed('abc', key('home'), key('delete')), 'bc', 0],
    ['Ctrl-U kills to the start', typed('hello world', key('left'), ctrl('u')), 'd', 0],
    ['Ctrl-K kills to the end', typed('hello world', ctrl('a'), key('right'), ctrl('k')), 'h', 1],
    ['Ctrl-W kills the word before', typed('say hello  ', ctrl('w')), 'say ', 4],
    ['Meta-b / Meta-f move by words', typed('one two three', meta('b'), meta('b'), meta('f')), 'one two three', 7],
    ['Meta-Backspace kills a word', typed('one two', meta('backspace')), 'one ', 4],
    ['space arrives as a named key with ch', [ch('a'), [' ', { name: 'space' }], ch('b')], 'a b', 3],
    ['shifted letters insert', [['A', { name: 'a', shift: true }]], 'A', 1],
    ['control characters are refused', [ch('\x07'), ch('\x1b'), ch('\x7f'), ch('\u009b'), ch('a')], 'a', 1],
    ['bidi overrides are refused', [ch('\u202e'), ch('x'), ch('\u2066')], 'x', 1],
    ['unknown Ctrl and Meta keys insert nothing', [['\x10', { name: 'p', ctrl: true }], [undefined, { name: 'x', meta: true }]], '', 0],
    ['a paste in one ch drops its control characters and sequences', [ch('one\r\ntwo\x1b[31m!')], 'onetwo!', 7],
  ])('%s', (_name, presses, text, cursor) => {
    const editor = new LineEditor({ maxLength: 100 });
    typeAll(editor, presses);
    expect(editor.text).toBe(text);
    expect(editor.cursor).toBe(cursor);
  });

  it.each<[string, Press, EditResult]>([
    ['Enter', ENTER[0]!, 'submit'],
    ['Escape', key('escape'), 'cancel'],
    ['Ctrl-C', ctrl('c'), 'interrupt'],
    ['Tab', key('tab'), 'complete'],
    ['Shift-Tab', key('tab', { shift: true }), 'complete-back'],
    ['Up without history', key('up'), 'up'],
    ['Down without history', key('down'), 'down'],
    ['PageUp', key('pageup'), 'ignored'],
    ['a refused character', ch('\x01'), 'unchanged'],
    ['a printable character', ch('x'), 'changed'],
  ])('%s → %s', (_name, [c, k], result) => {
    expect(new LineEditor({ maxLength: 10 }).handleKey(c, k)).toBe(result);
  });

  it('submits once for CR (enter + return) and once for CRLF', () => {
    const editor = new LineEditor({ maxLength: 10 });
    const crlf: Press[] = [...ENTER, [undefined, { name: 'linefeed', sequence: '\n' }]];
    expect(typeAll(editor, crlf)).toEqual(['submit', 'unchanged', 'unchanged']);
    expect(editor.handleKey(undefined, { name: 'linefeed', sequence: '\n' })).toBe('submit');
  });
});

describe('LineEditor characters', () => {
  it('joins an emoji that blessed splits into two surrogate keypresses', () => {
    const editor = new LineEditor({ maxLength: 10 });
    expect(typeAll(editor, [ch('\ud83d'), ch('\ude00')])).toEqual(['unchanged', 'changed']);
    expect(editor.text).toBe('😀');
    expect(editor.cursor).toBe(2);
  });

  it('drops a lone surrogate', () => {
    const editor = new LineEditor({ maxLength: 10 });
    typeAll(editor, [ch('\ud83d'), ch('a'), ch('\ude00')]);
    expect(editor.text).toBe('a');
  });

  it('moves and deletes whole graphemes', () => {
    const editor = new LineEditor({ maxLength: 40 });
    editor.setText('ae\u0301👍🏽b');
    typeAll(editor, [key('left'), key('left')]);
    expect(editor.cursor).toBe('ae\u0301'.length);
    editor.handleKey(undefined, { name: 'backspace' });
    expect(editor.text).toBe('a👍🏽b');
  });

  it('keeps the cursor out of a grapheme when a combining mark is typed', () => {
    const editor = new LineEditor({ maxLength: 10 });
    typeAll(editor, [ch('e'), ch('\u0301')]);
    expect(editor.text).toBe('e\u0301');
    expect(editor.cursor).toBe(2);
  });

  it('stops at maxLength, whether typed or pasted', () => {
    const editor = new LineEditor({ maxLength: 5 });
    typeAll(editor, typed('abcdefg'));
    expect(editor.text).toBe('abcde');
    const pasted = new LineEditor({ maxLength: 5 });
    expect(pasted.handleKey('abc😀😀', {})).toBe('changed');
    expect(pasted.text).toBe('abc😀');
    expect(pasted.handleKey('x', {})).toBe('unchanged');
  });

  it('only lets in what accept allows', () => {
    const editor = new LineEditor({ maxLength: 10, accept: (g) => /^[a-z]$/.test(g) });
    editor.handleKey('aB-é😀c', {});
    expect(editor.text).toBe('ac');
  });

  it('setText cleans and caps, and puts the cursor at the end', () => {
    const editor = new LineEditor({ maxLength: 4 });
    editor.setText('a\x1b[1mbcdef');
    expect(editor.text).toBe('abcd');
    expect(editor.cursor).toBe(4);
  });
});

describe('LineEditor history', () => {
  function withHistory(size: number, lines: string[]): LineEditor {
    const editor = new LineEditor({ maxLength: 50, historySize: size });
    for (const line of lines) {
      editor.setText(line);
      editor.submit();
    }
    return editor;
  }

  it('recalls earlier lines with Up and comes back to the draft with Down', () => {
    const editor = withHistory(10, ['first', 'second']);
    typeAll(editor, typed('dra'));
    expect(typeAll(editor, [key('up')])).toEqual(['changed']);
    expect(editor.text).toBe('second');
    typeAll(editor, [key('up')]);
    expect(editor.text).toBe('first');
    expect(typeAll(editor, [key('up')])).toEqual(['unchanged']);
    typeAll(editor, [key('down'), key('down')]);
    expect(editor.text).toBe('dra');
    expect(typeAll(editor, [key('down')])).toEqual(['unchanged']);
  });

  it('submit returns the line, clears, skips empty lines and repeats, and keeps historySize', () => {
    const editor = withHistory(2, ['a', 'a', '', 'b', 'c']);
    editor.setText('d');
    expect(editor.submit()).toBe('d');
    expect(editor.text).toBe('');
    const recalled = [key('up'), key('up'), key('up')].map(([c, k]) => {
      editor.handleKey(c, k);
      return editor.text;
    });
    expect(recalled).toEqual(['d', 'c', 'c']);
  });

  it('keeps nothing with historySize 0 (passwords)', () => {
    const editor = withHistory(0, ['secret']);
    expect(editor.handleKey(undefined, { name: 'up' })).toBe('up');
    expect(editor.text).toBe('');
  });
});

describe('LineEditor view', () => {
  it('shows the whole line with the cursor after it when it fits', () => {
    const editor = new LineEditor({ maxLength: 50 });
    editor.setText('hello');
    expect(editor.view(10)).toEqual({ text: 'hello', cursorColumn: 5 });
  });

  it('scrolls so the cursor stays visible, using the whole width once the cursor leaves the end', () => {
    const editor = new LineEditor({ maxLength: 50 });
    editor.setText('abcdefghij');
    expect(editor.view(5)).toEqual({ text: 'ghij', cursorColumn: 4 });
    typeAll(editor, [key('left')]);
    expect(editor.view(5)).toEqual({ text: 'fghij', cursorColumn: 4 });
    typeAll(editor, [key('left'), key('left'), key('left'), key('left'), key('left')]);
    expect(editor.view(5)).toEqual({ text: 'efghi', cursorColumn: 0 });
    typeAll(editor, [key('home')]);
    expect(editor.view(5)).toEqual({ text: 'abcde', cursorColumn: 0 });
  });

  it('counts CJK and emoji as two columns and combining marks as none', () => {
    const editor = new LineEditor({ maxLength: 50 });
    editor.setText('中文😀e\u0301');
    expect(editor.view(20)).toEqual({ text: '中文😀e\u0301', cursorColumn: 7 });
    expect(editor.view(4)).toEqual({ text: '😀é'.normalize('NFD'), cursorColumn: 3 });
  });

  it('never splits a wide character at the right edge', () => {
    const editor = new LineEditor({ maxLength: 50 });
    editor.setText('ab中文');
    typeAll(editor, [key('home')]);
    expect(editor.view(5)).toEqual({ text: 'ab中', cursorColumn: 0 });
  });

  it('masks one * per character for passwords', () => {
    const editor = new LineEditor({ maxLength: 50 });
    editor.setText('pä😀s');
    expect(editor.view(10, true)).toEqual({ text: '****', cursorColumn: 4 });
  });

  it('pulls the text back into view after deleting', () => {
    const editor = new LineEditor({ maxLength: 50 });
    editor.setText('abcdefghij');
    editor.view(5);
    typeAll(editor, [ctrl('u')]);
    editor.setText('xy');
    expect(editor.view(5)).toEqual({ text: 'xy', cursorColumn: 2 });
  });

  it('draws nothing in a zero-width field', () => {
    expect(new LineEditor({ maxLength: 5 }).view(0)).toEqual({ text: '', cursorColumn: 0 });
  });
});
