import { describe, expect, it } from 'vitest';
import { completeHandle } from '../../src/ui/handle-completion.js';

const room = ['alice', 'Alfred', 'bob', 'carol', 'ALICE'];
const lookup = (prefix: string) => room.filter((h) => h.toLowerCase().startsWith(prefix.toLowerCase()));

describe('completeHandle', () => {
  it.each([
    ['addresses the one match alone on a line', 'ca', '', { before: 'carol: ' }],
    ['adds a space after a match inside a line', '/msg car', '', { before: '/msg carol ' }],
    ['adds a space when text follows the cursor', 'ca', ' hello', { before: 'carol ' }],
    ['ignores the case typed', 'CA', '', { before: 'carol: ' }],
    ['completes several to their common start, spelled as the room spells it', 'a', '', { before: 'Al', hint: 'Tab: Alfred  alice' }],
    ['keeps the text when no one matches', 'hi zz', '', { before: 'hi zz', hint: 'No one here starts with "zz".' }],
  ] as const)('%s', (_what, before, after, expected) => {
    expect(completeHandle(before, after, lookup)).toEqual(expected);
  });

  it.each([[''], ['hello '], ['/msg ']])('has nothing to complete after %j', (before) => {
    expect(completeHandle(before, '', lookup)).toBeUndefined();
  });

  it('asks only about the word before the cursor', () => {
    const asked: string[] = [];
    completeHandle('/page bo', '', (prefix) => {
      asked.push(prefix);
      return [];
    });
    expect(asked).toEqual(['bo']);
  });
});
