/**
 * Random chat-like text: words of letters, so it is never a command, never repeats what a screen
 * already shows (blessed would skip unchanged cells), and has spaces for word wrap.
 */
import { randomInt } from 'node:crypto';

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

export function randomWords(length: number): string {
  let text = '';
  while (text.length < length) {
    if (text) text += ' ';
    for (let n = 2 + randomInt(7); n > 0; n--) text += LETTERS[randomInt(LETTERS.length)];
  }
  return text.slice(0, length);
}
