import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/chat/duration.js';
import { parseArguments } from '../../src/cli-args.js';

describe('parseDuration', () => {
  it.each([
    ['30m', 30 * 60_000],
    ['12h', 12 * 3_600_000],
    ['7D', 7 * 86_400_000],
    ['2w', 14 * 86_400_000],
    ['0d', undefined],
    ['7', undefined],
    ['d7', undefined],
    ['99999w', undefined],
    ['', undefined],
  ])('%j → %j', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
});

describe('parseArguments', () => {
  const declared = ['--sysop', '--for=', '--reason='];
  it.each([
    [['bob'], { args: ['bob'], flags: [], options: [] }],
    [['bob', '--sysop'], { args: ['bob'], flags: ['--sysop'], options: [] }],
    [['bob', '--for', '7d', '--reason', 'spam here'], { args: ['bob'], flags: [], options: [['--for', '7d'], ['--reason', 'spam here']] }],
    [['--for=7d', 'bob'], { args: ['bob'], flags: [], options: [['--for', '7d']] }],
  ])('%j', (argv, expected) => {
    const parsed = parseArguments(argv, declared);
    expect({ args: parsed.args, flags: [...parsed.flags], options: [...parsed.options] }).toEqual(expected);
    expect(parsed.problem).toBeUndefined();
  });

  it.each([
    [['bob', '--for'], '--for needs a value.'],
    [['bob', '--force'], 'Unknown option --force.'],
    [['--sysop=yes'], 'Unknown option --sysop.'],
  ])('%j → %s', (argv, problem) => {
    expect(parseArguments(argv, declared).problem).toBe(problem);
  });
});
