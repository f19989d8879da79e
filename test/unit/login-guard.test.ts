import { describe, expect, it } from 'vitest';
import { LoginGuard } from '../../src/ssh/login-guard.js';

function guard(maxAttempts = 3, lockoutMinutes = 15) {
  let t = 1_000_000;
  const g = new LoginGuard({ maxAttempts, lockoutMinutes, now: () => t, maxEntries: 100 });
  return { g, advance: (ms: number) => (t += ms) };
}

describe('LoginGuard', () => {
  it('locks a handle on one address after max failures, for lockout_minutes', () => {
    const { g, advance } = guard();
    for (let i = 0; i < 2; i++) g.recordFailure('Alice', '10.0.0.1');
    expect(g.lockedFor('alice', '10.0.0.1')).toBe(0);
    g.recordFailure('alice', '10.0.0.1');
    expect(g.lockedFor('ALICE', '10.0.0.1')).toBe(15 * 60_000);
    advance(15 * 60_000);
    expect(g.lockedFor('alice', '10.0.0.1')).toBe(0);
  });

  it('does not let a stranger on another address lock the real user out', () => {
    const { g } = guard();
    for (let i = 0; i < 5; i++) g.recordFailure('alice', '203.0.113.9');
    expect(g.lockedFor('alice', '203.0.113.9')).toBeGreaterThan(0);
    expect(g.lockedFor('alice', '198.51.100.7')).toBe(0);
  });

  it('locks an address that sprays many accounts', () => {
    const { g } = guard(3);
    for (let i = 0; i < 12; i++) g.recordFailure(`user${i}`, '203.0.113.9');
    expect(g.lockedFor('somebody-new', '203.0.113.9')).toBeGreaterThan(0);
  });

  it('a success clears the pair; failures spread past the window start over', () => {
    const { g, advance } = guard(3, 1);
    g.recordFailure('bob', '10.0.0.2');
    g.recordFailure('bob', '10.0.0.2');
    g.recordSuccess('bob', '10.0.0.2');
    g.recordFailure('bob', '10.0.0.2');
    expect(g.lockedFor('bob', '10.0.0.2')).toBe(0);
    advance(61_000);
    g.recordFailure('bob', '10.0.0.2');
    g.recordFailure('bob', '10.0.0.2');
    expect(g.lockedFor('bob', '10.0.0.2')).toBe(0);
  });

  it('keeps its memory bounded', () => {
    const { g } = guard();
    for (let i = 0; i < 500; i++) g.recordFailure('x', `10.0.${i >> 8}.${i & 255}`);
    expect(g.size()).toBeLessThanOrEqual(100);
  });
});
