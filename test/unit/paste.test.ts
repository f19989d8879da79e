import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { cleanLines } from '../../src/chat/safe-text.js';
import { detectPastes, type Paste } from '../../src/ui/paste.js';

function detector() {
  const raw = new PassThrough();
  const output = Object.assign(new PassThrough(), { columns: 80, rows: 24, isTTY: true });
  const pastes = detectPastes({ input: raw, output, term: 'xterm' });
  let typed = '';
  pastes.terminal.input.on('data', (d: Buffer) => (typed += d.toString()));
  const got: Paste[] = [];
  pastes.onPaste((p) => got.push(p));
  const feed = async (...chunks: string[]) => {
    for (const chunk of chunks) raw.write(chunk);
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { pastes, got, feed, typed: () => typed };
}

describe('detectPastes', () => {
  it.each([
    ['in one chunk', ['ab\x1b[200~one\r\ntwo\x1b[201~cd']],
    ['with markers split across chunks', ['ab\x1b[2', '00~one\r', '\ntwo\x1b', '[201~cd']],
  ])('takes the pasted block out of the typed stream %s', async (_what, chunks) => {
    const d = detector();
    await d.feed(...chunks);
    expect(d.got).toEqual([{ text: 'one\r\ntwo', length: 8 }]);
    expect(d.typed()).toBe('abcd');
    d.pastes.close();
  });

  it('passes a lone Esc on at once, and pastes as typed text when no one listens', async () => {
    const d = detector();
    await d.feed('x\x1b');
    expect(d.typed()).toBe('x\x1b');
    d.pastes.onPaste(undefined);
    await d.feed('\x1b[200~hi\x1b[201~');
    expect(d.typed()).toBe('x\x1bhi');
    d.pastes.close();
  });
});

describe('cleanLines', () => {
  it.each([
    ['one\r\ntwo\nthree', 'one\ntwo\nthree'],
    ['\n\n  a \n\x1b[31mb\n\n', 'a\nb'],
    ['solo', 'solo'],
    ['1234567', '12345'],
  ])('%j → %j', (input, expected) => {
    expect(cleanLines(input, 5)).toBe(expected);
  });
});
