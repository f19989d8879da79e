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

  it('does not let a stranger on another address lock the real user out for good', () => {
    const { g, advance } = guard();
    for (let i = 0; i < 5; i++) g.recordFailure('alice', '203.0.113.9');
    expect(g.lockedFor('alice', '203.0.113.9')).toBe(15 * 60_000);
    // From elsewhere the owner only waits out the account's delay, never the stranger's lockout.
    expect(g.lockedFor('alice', '198.51.100.7')).toBeLessThanOrEqual(60_000);
    advance(60_000);
    expect(g.lockedFor('alice', '198.51.100.7')).toBe(0);
  });

  it('slows guesses at one account from many addresses with a delay that doubles, up to a minute', () => {
    const { g, advance } = guard(3);
    const delays: number[] = [];
    for (let i = 0; i < 12; i++) {
      const address = `198.51.100.${i}`;
      advance(g.lockedFor('alice', address));
      g.recordFailure('alice', address);
      delays.push(g.lockedFor('alice', `203.0.113.${i}`));
    }
    expect(delays).toEqual([0, 0, 1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000, 60_000]);
    g.recordSuccess('alice', '192.0.2.1');
    expect(g.lockedFor('alice', '203.0.113.99')).toBe(0);
  });

  it('counts an IPv6 /64 as one address', () => {
    const { g } = guard(3);
    for (let i = 0; i < 12; i++) g.recordFailure(`user${i}`, `2001:db8:1:2::${i + 1}`);
    expect(g.lockedFor('somebody-new', '2001:db8:1:2:ffff::1')).toBeGreaterThan(0);
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

  it('keeps every active lockout until it expires, however many other failures arrive', () => {
    const { g, advance } = guard(3);
    for (let i = 0; i < 3; i++) g.recordFailure('alice', '203.0.113.9');
    // A spray of single failures from many addresses against many accounts fills the table.
    for (let i = 0; i < 2000; i++) g.recordFailure(`user${i}`, `10.1.${i >> 8}.${i & 255}`);
    expect(g.size()).toBeLessThanOrEqual(100);
    expect(g.lockedFor('alice', '203.0.113.9')).toBeGreaterThan(0);
    advance(15 * 60_000);
    expect(g.lockedFor('alice', '203.0.113.9')).toBe(0);
  });
});
