/** The lines the room hears about a kick or a ban, wherever it was made: who, why, until when, and nothing unsafe. */
import { describe, expect, it } from 'vitest';
import { banNotice, kickNotice } from '../../src/chat/moderation.js';

describe('kick and ban notices', () => {
  it('name the sysop and the reason, or only the sysop', () => {
    expect(kickNotice('bob', { by: 'cli', reason: 'time to go' })).toBe('*** bob was kicked by cli: time to go ***');
    expect(kickNotice('bob', { by: 'SysOp', reason: '' })).toBe('*** bob was kicked by SysOp ***');
  });

  it('say until when a ban lasts, in UTC, or that it is for good', () => {
    expect(banNotice('bob', { by: 'cli', reason: 'spam', until: null })).toBe('*** bob was banned by cli for good: spam ***');
    expect(banNotice('bob', { by: 'SysOp', reason: '', until: Date.UTC(2026, 11, 8, 9, 30) })).toBe('*** bob was banned by SysOp until 2026-12-08 09:30 UTC ***');
  });

  it('carry no control characters or escape sequences from a reason kept in the database', () => {
    const hostile = 'spam\x1b[2J\x1b]0;owned\x07\r\nforged line\u202e';
    for (const line of [kickNotice('bob', { by: 'cli', reason: hostile }), banNotice('bob', { by: 'cli\x1b[31m', reason: hostile, until: null })]) {
      expect(line).not.toMatch(/[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/);
      expect(line).toContain('spam');
    }
  });
});
