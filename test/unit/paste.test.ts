import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { cleanLines } from '../../src/chat/safe-text.js';
import { detectPastes, MAX_KEY_PASTE, placePaste, type Paste } from '../../src/ui/paste.js';

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

describe('placePaste: a public key after /keys add', () => {
  const limits = { maxLength: 500, maxLines: 20 };
  const pasted = (text: string): Paste => ({ text, length: text.length });
  const rsa4096 = `ssh-rsa AAAAB3NzaC1yc2E${'A'.repeat(700)} me@home`;

  it('a line past the chat limit goes out whole, at once, within its own stated limit', () => {
    expect(placePaste(pasted(rsa4096), '/keys add ', limits)).toEqual({ kind: 'block', block: `/keys add ${rsa4096}` });
    expect(placePaste(pasted('x'.repeat(MAX_KEY_PASTE)), '/KEYS ADD ', limits)).toEqual({
      kind: 'refused',
      reason: `Your key was not added (${MAX_KEY_PASTE + 10} characters). Limit for /keys add: ${MAX_KEY_PASTE} characters.`,
    });
  });

  it('a short key is typed into the line as any paste; other long lines keep the chat limit', () => {
    expect(placePaste(pasted('ssh-ed25519 AAAA me'), '/keys add ', limits)).toEqual({ kind: 'typed', line: '/keys add ssh-ed25519 AAAA me' });
    expect(placePaste(pasted(rsa4096), 'look: ', limits).kind).toBe('refused');
  });
});
