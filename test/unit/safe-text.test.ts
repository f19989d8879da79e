import { describe, expect, it } from 'vitest';
import { cleanLines, cleanText, markControls, typedText, visibleText } from '../../src/chat/safe-text.js';

const ESC = '\u001b';
const BEL = '\u0007';

/**
 * One row per kind of text, and what each purpose makes of it:
 * [name, input, cleanText(…, 100), visibleText, typedText, markControls(…, '?')].
 */
const table: [string, string, string, string, string, string][] = [
  ['plain ASCII', 'hello world', 'hello world', 'hello world', 'hello world', 'hello world'],
  ['CJK, emoji, ZWJ sequence, flag, combining mark', '中文 👨‍👩‍👧 🇯🇵 e\u0301', '中文 👨‍👩‍👧 🇯🇵 e\u0301', '中文 👨‍👩‍👧 🇯🇵 e\u0301', '中文 👨‍👩‍👧 🇯🇵 e\u0301', '中文 👨‍👩‍👧 🇯🇵 e\u0301'],
  ['ZWNJ stays', 'می\u200cخواهم', 'می\u200cخواهم', 'می\u200cخواهم', 'می\u200cخواهم', 'می\u200cخواهم'],
  ['SGR colour', `${ESC}[31mred${ESC}[0m`, 'red', 'red', 'red', '?[31mred?[0m'],
  ['OSC 52 clipboard write', `a${ESC}]52;c;eA==${BEL}b`, 'ab', 'ab', 'ab', 'a?]52;c;eA==?b'],
  ['8-bit CSI', '\u009b2Jx', 'x', 'x', 'x', '?2Jx'],
  ['C0, DEL and C1', 'a\u0000b\u007fc\u0080d', 'abcd', 'abcd', 'abcd', 'a?b?c?d'],
  ['tab and line breaks', ' a\tb\r\nc\u2028d ', 'a b c d', ' a b c d ', ' abcd ', ' a?b??c?d '],
  ['bidi override and isolate', 'x\u202eevil\u2066y\u2069', 'xevily', 'xevily', 'xevily', 'x?evil?y?'],
  ['zero-width space, BOM, LRM', 'a\u200bb\ufeffc\u200ed', 'abcd', 'abcd', 'abcd', 'a?b?c?d'],
  ['lone surrogates', 'a\ud800b\udc00c', 'abc', 'abc', 'abc', 'a?b?c'],
];

describe('safe text: one rule, a few purposes', () => {
  it.each(table)('%s', (_name, input, chat, visible, typed, marked) => {
    expect(cleanText(input, 100)).toBe(chat);
    expect(visibleText(input)).toBe(visible);
    expect(typedText(input)).toBe(typed);
    expect(markControls(input, '?')).toBe(marked);
  });

  it('every purpose leaves no control, escape, invisible format character or lone surrogate', () => {
    const refused = /[\p{Cc}\p{Cs}\u2028\u2029]|(?![\u200C\u200D])\p{Cf}/u;
    const hostile = table.map(([, input]) => input).join('');
    for (const out of [cleanText(hostile, 1000), visibleText(hostile), typedText(hostile), markControls(hostile, '?')]) {
      expect(out).not.toMatch(refused);
    }
  });

  it('caps a chat line in code points, between graphemes', () => {
    expect(cleanText('ab👨‍👩‍👧', 4)).toBe('ab');
    expect(cleanText('  padded  ', 100)).toBe('padded');
  });

  it('keeps a pasted block as lines', () => {
    expect(cleanLines('\n one\t1\r\n\r\ntwo\x1b[1m\n\n', 100)).toBe('one 1\n\ntwo');
  });
});
