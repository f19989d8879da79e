import { describe, expect, it } from 'vitest';
import { cleanText } from '../../src/chat/safe-text.js';
import { handleProblem, isValidHandle } from '../../src/chat/text.js';

const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/;
const BIDI_AND_INVISIBLE = /[\u061c\u200b\u200e\u200f\u202a-\u202e\u2028\u2029\u2060-\u2064\u2066-\u2069\ufeff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const ESC = '\u001b';
const BEL = '\u0007';

/** [name, hostile input, what a caller may see]. */
const corpus: [string, string, string][] = [
  ['SGR colour', `${ESC}[31mred${ESC}[0m text`, 'red text'],
  ['cursor movement and erase', `a${ESC}[2J${ESC}[H${ESC}[10;20Hb`, 'ab'],
  ['private-mode CSI', `${ESC}[?1049h${ESC}[?25lhidden`, 'hidden'],
  ['CSI with intermediate byte', `${ESC}[0 qcursor`, 'cursor'],
  ['unfinished CSI at the end', `text${ESC}[31`, 'text'],
  ['CSI broken by a letter outside its range', `${ESC}[12é`, 'é'],
  ['OSC 52 clipboard write (BEL)', `before${ESC}]52;c;cm0gLXJmIH4=${BEL}after`, 'beforeafter'],
  ['OSC title with ST', `${ESC}]0;pwned${ESC}\\x`, 'x'],
  ['OSC 8 hyperlink', `${ESC}]8;;https://evil.example${ESC}\\click${ESC}]8;;${ESC}\\`, 'click'],
  ['OSC never terminated', `hello${ESC}]0;title and the rest`, 'hello'],
  ['DCS (DECRQSS)', `${ESC}P$qm${ESC}\\y`, 'y'],
  ['DCS with 8-bit ST', `${ESC}Pdata\u009cz`, 'z'],
  ['SOS, PM and APC strings', `${ESC}Xsos${ESC}\\${ESC}^pm${ESC}\\${ESC}_apc${ESC}\\ok`, 'ok'],
  ['two-byte ESC sequences', `${ESC}7${ESC}8${ESC}c${ESC}Dplain`, 'plain'],
  ['charset designation', `${ESC}(0lqk${ESC}(B`, 'lqk'],
  ['lone ESC at the end', `bye${ESC}`, 'bye'],
  ['ESC ESC', `${ESC}${ESC}[1mx`, 'x'],
  ['8-bit CSI U+009B', '\u009b31mred\u009b0m', 'red'],
  ['8-bit OSC U+009D', '\u009d52;c;eA==\u0007gone', 'gone'],
  ['8-bit DCS U+0090', '\u0090q#0;2;0;0;0\u009cend', 'end'],
  ['8-bit APC U+009F', 'a\u009fhidden\u009cb', 'ab'],
  ['other C1 controls (NEL is a line break)', 'a\u0080b\u0085c\u008ed', 'ab cd'],
  ['NUL and DEL', 'a\u0000b\u007fc', 'abc'],
  ['bell and backspace', `ding${BEL}\bx`, 'dingx'],
  ['CR to overwrite a line', 'innocent\rEVIL', 'innocent EVIL'],
  ['CRLF', 'line one\r\nline two\n', 'line one line two'],
  ['tabs', 'a\tb\t\tc', 'a b  c'],
  ['vertical tab and form feed', 'a\u000bb\u000cc', 'abc'],
  ['RLO override', 'user\u202Etxt.exe', 'usertxt.exe'],
  ['bidi embeddings and PDF', '\u202Aa\u202Bb\u202Cc\u202Dd', 'abcd'],
  ['bidi isolates', '\u2066a\u2067b\u2068c\u2069', 'abc'],
  ['bidi marks', 'a\u200Eb\u200Fc\u061Cd', 'abcd'],
  ['zero width space and BOM', '\uFEFFad\u200Bmin', 'admin'],
  ['line and paragraph separators', 'one\u2028two\u2029three', 'one two three'],
  ['lone high surrogate', 'a\ud800b', 'ab'],
  ['lone low surrogate', 'a\udc00b', 'ab'],
  ['reversed pair', '\udc00\ud800x', 'x'],
  ['surrounding white space', '   \t spaced out \t  ', 'spaced out'],
  ['only controls', `${ESC}[0m\u0000${BEL}`, ''],
  ['blessed tags are text (escaping is the UI job)', '{bold}{red-fg}hi{/}', '{bold}{red-fg}hi{/}'],
  ['plain unicode', 'héllo wörld ✓ 日本語', 'héllo wörld ✓ 日本語'],
  ['emoji with ZWJ and skin tone', 'hi 👨‍👩‍👧 👍🏽', 'hi 👨‍👩‍👧 👍🏽'],
];

describe('cleanText', () => {
  it.each(corpus)('%s', (_name, input, expected) => {
    expect(cleanText(input, 500)).toBe(expected);
  });

  it.each(corpus)('leaves no control, bidi control or lone surrogate: %s', (_name, input) => {
    const out = cleanText(input, 500);
    expect(out).not.toMatch(CONTROLS);
    expect(out).not.toMatch(BIDI_AND_INVISIBLE);
    expect(out).not.toMatch(LONE_SURROGATE);
  });

  it('is safe for every single code unit, alone and after ESC', () => {
    const outputs: string[] = [];
    for (let code = 0; code <= 0xffff; code++) {
      const char = String.fromCharCode(code);
      outputs.push(cleanText(`a${char}b`, 10), cleanText(`${ESC}${char}c`, 10));
    }
    const all = outputs.join('|');
    expect(all).not.toMatch(CONTROLS);
    expect(all).not.toMatch(BIDI_AND_INVISIBLE);
    expect(all).not.toMatch(LONE_SURROGATE);
  });

  it('caps a very long line at maxLength code points', () => {
    const out = cleanText('x'.repeat(100_000), 500);
    expect(out).toBe('x'.repeat(500));
  });

  it('caps a long hostile paste without leaving sequences behind', () => {
    const out = cleanText(`${ESC}[1mab${ESC}]52;c;AA==${BEL}`.repeat(50_000), 300);
    expect(out).toBe('ab'.repeat(150));
  });

  it.each([
    ['counts code points, not UTF-16 units', '😀😀😀', 2, '😀😀'],
    ['does not split a combining accent from its letter', 'abe\u0301', 3, 'ab'],
    ['does not split a ZWJ emoji sequence', 'ab👨‍👩‍👧', 4, 'ab'],
    ['does not split a flag', 'a🇫🇷', 2, 'a'],
    ['cuts a single grapheme longer than the limit', `a${'\u0301'.repeat(50)}`, 3, 'a\u0301\u0301'],
    ['trims after cutting', 'ab   cd', 4, 'ab'],
    ['zero allows nothing', 'abc', 0, ''],
  ])('%s', (_name, input, max, expected) => {
    expect(cleanText(input, max)).toBe(expected);
  });
});

describe('handles', () => {
  it.each([
    ['alice', true],
    ['Bob_2', true],
    ['a', false],
    ['x'.repeat(17), false],
    ['has space', false],
    ['émile', false],
    [`a${ESC}[31m`, false],
  ])('isValidHandle(%j) is %s', (handle, valid) => {
    expect(isValidHandle(handle)).toBe(valid);
  });

  it('reserves sysop-like handles whatever their case', () => {
    expect(handleProblem('SYSOP')).toBe('The handle "SYSOP" is reserved. Please choose another.');
    expect(handleProblem('Boss', ['boss'])).toMatch(/reserved/);
    expect(handleProblem('alice')).toBeUndefined();
  });
});
