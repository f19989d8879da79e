import { describe, expect, it } from 'vitest';
import { leaveQuestion, SecretInput } from '../../src/ui/input-modes.js';

const typeInto = (mode: SecretInput, text: string) => {
  for (const ch of text) mode.key(ch, ch === '\r' ? { name: 'enter', sequence: '\r' } : { name: ch });
};

describe('SecretInput', () => {
  it('masks what is typed and answers on Enter', async () => {
    const mode = new SecretInput('Password: ');
    const answer = mode.ask('Password: ');
    typeInto(mode, 'hunter22');
    expect(mode.view(40)).toEqual({ text: 'Password: ********', cursorColumn: 18 });
    typeInto(mode, '\r');
    await expect(answer).resolves.toBe('hunter22');
  });

  it('keeps answers typed ahead for the next question, masked meanwhile', async () => {
    const mode = new SecretInput('Old: ');
    const first = mode.ask('Old: ');
    typeInto(mode, 'old-one\rnew-one\r');
    await expect(first).resolves.toBe('old-one');
    expect(mode.view(40).text).toBe('Checking… ');
    await expect(mode.ask('New: ')).resolves.toBe('new-one');
  });

  it('answers undefined on Esc and when cancelled', async () => {
    const mode = new SecretInput('Password: ');
    const escaped = mode.ask('Password: ');
    mode.key(undefined, { name: 'escape' });
    await expect(escaped).resolves.toBeUndefined();
    const cancelled = mode.ask('Password: ');
    mode.cancel();
    await expect(cancelled).resolves.toBeUndefined();
  });
});

describe('leaveQuestion', () => {
  it.each([
    ['y', 1],
    ['Y', 1],
    ['n', 0],
    ['\r', 0],
  ])('%j leaves %i times, and the question is over', (ch, leaves) => {
    let left = 0;
    const mode = leaveQuestion(() => left++);
    expect(mode.key(ch, { name: ch })).toBe(true);
    expect(left).toBe(leaves);
  });
});
