/**
 * Counts failed logins and says who must wait. Failures are counted per (account, address) pair
 * and per address: after max_login_attempts failures on a pair, that pair is refused for
 * lockout_minutes; an address that fails against many accounts is refused as a whole (at four
 * times the limit). An account as such is never locked, so a stranger on another address cannot
 * lock a real user out. State is in memory, bounded, and forgets on restart — by design.
 */

/**
 * What authentication asks of the failure counters. The answer may come from another process (the
 * primary of a board with workers) or a shared store, so it may be a promise.
 */
export interface LoginAttempts {
  lockedFor(handle: string, address: string): number | Promise<number>;
  recordFailure(handle: string, address: string): void;
  recordSuccess(handle: string, address: string): void;
}

export interface LoginGuardOptions {
  maxAttempts: number;
  lockoutMinutes: number;
  now?: () => number;
  /** Most entries kept; the oldest are dropped first. */
  maxEntries?: number;
}

interface Entry {
  failures: number;
  firstAt: number;
  lockedUntil: number;
}

/** An address is refused as a whole after this many times the per-account limit. */
export const ADDRESS_FACTOR = 4;

export class LoginGuard implements LoginAttempts {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;
  private readonly windowMs: number;
  private readonly maxEntries: number;

  constructor(private readonly options: LoginGuardOptions) {
    this.now = options.now ?? Date.now;
    this.windowMs = options.lockoutMinutes * 60_000;
    this.maxEntries = options.maxEntries ?? 10_000;
  }

  /** Milliseconds this handle must still wait from this address; 0 when it may try. */
  lockedFor(handle: string, address: string): number {
    const t = this.now();
    const until = Math.max(this.lockedUntil(pairKey(handle, address)), this.lockedUntil(addressKey(address)));
    return Math.max(0, until - t);
  }

  recordFailure(handle: string, address: string): void {
    this.bump(pairKey(handle, address), this.options.maxAttempts);
    this.bump(addressKey(address), this.options.maxAttempts * ADDRESS_FACTOR);
  }

  /** A good login clears that pair (not the address: a sprayer who guessed one right stays counted). */
  recordSuccess(handle: string, address: string): void {
    this.entries.delete(pairKey(handle, address));
  }

  size(): number {
    return this.entries.size;
  }

  private lockedUntil(key: string): number {
    const entry = this.entries.get(key);
    if (!entry) return 0;
    if (entry.lockedUntil <= this.now() && this.now() - entry.firstAt > this.windowMs) {
      this.entries.delete(key);
      return 0;
    }
    return entry.lockedUntil;
  }

  private bump(key: string, limit: number): void {
    const t = this.now();
    let entry = this.entries.get(key);
    if (!entry || (entry.lockedUntil <= t && t - entry.firstAt > this.windowMs)) {
      entry = { failures: 0, firstAt: t, lockedUntil: 0 };
    }
    entry.failures += 1;
    if (entry.failures >= limit) entry.lockedUntil = t + this.windowMs;
    // Re-insert so Map order is least-recently-failed first, then trim from the front.
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }
}

const pairKey = (handle: string, address: string) => `u:${handle.toLowerCase()}|${address}`;
const addressKey = (address: string) => `a:${address}`;
