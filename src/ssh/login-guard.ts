/**
 * Counts failed password logins and says who must wait. Three counts, each over a window of
 * lockout_minutes:
 * - per (account, address): after max_login_attempts failures that pair is locked out;
 * - per address: an address failing against many accounts is locked as a whole (4× the limit);
 * - per account, from any address: past max_login_attempts failures, each further password try
 *   must wait a delay that doubles with every failure, up to a minute. This slows guessing from
 *   many addresses to about one guess a minute per account, yet never locks the owner out for
 *   good (and a bound key is not checked here at all: it gets in at once).
 * A correct password clears its pair and its account's count. With workers the one guard is the
 * primary's (reached through LoginAttempts), so the counts hold whichever worker a guess reaches.
 * State is in memory and forgets on restart, by design. The table is bounded: when full, counts
 * that are not holding anyone back are forgotten first (oldest first); an active lockout or delay
 * is kept until it expires, and only when every entry is one does a new failure go unrecorded.
 */
import { addressKey as sameAddress } from './address.js';

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
  /** Most entries kept (pairs, addresses and accounts together). */
  maxEntries?: number;
}

interface Entry {
  failures: number;
  firstAt: number;
  lastAt: number;
  /** Until when this entry holds someone back (0: it does not). */
  blockedUntil: number;
}

/** An address is refused as a whole after this many times the per-account limit. */
export const ADDRESS_FACTOR = 4;
/** The per-account delay: the first past the limit, doubling to at most the longest. */
export const ACCOUNT_FIRST_DELAY_MS = 1000;
export const ACCOUNT_MAX_DELAY_MS = 60_000;
/** A table full of active blocks is scanned for room at most this often (a scan is O(entries)). */
const FULL_RESCAN_MS = 1000;

export class LoginGuard implements LoginAttempts {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;
  private readonly windowMs: number;
  private readonly maxEntries: number;
  /** After finding the table full of active blocks, do not scan it again before this time. */
  private fullUntil = 0;

  constructor(private readonly options: LoginGuardOptions) {
    this.now = options.now ?? Date.now;
    this.windowMs = options.lockoutMinutes * 60_000;
    this.maxEntries = options.maxEntries ?? 100_000;
  }

  /** Milliseconds this handle must still wait from this address; 0 when it may try. */
  lockedFor(handle: string, address: string): number {
    const until = Math.max(this.blockedUntil(pairKey(handle, address)), this.blockedUntil(addressKey(address)), this.blockedUntil(accountKey(handle)));
    return Math.max(0, until - this.now());
  }

  recordFailure(handle: string, address: string): void {
    const { maxAttempts } = this.options;
    this.bump(pairKey(handle, address), (e) => (e.failures >= maxAttempts ? e.lastAt + this.windowMs : 0));
    this.bump(addressKey(address), (e) => (e.failures >= maxAttempts * ADDRESS_FACTOR ? e.lastAt + this.windowMs : 0));
    this.bump(accountKey(handle), (e) => (e.failures >= maxAttempts ? e.lastAt + accountDelay(e.failures - maxAttempts) : 0));
  }

  /** A good login clears its pair and its account (not the address: a sprayer who guessed one right stays counted). */
  recordSuccess(handle: string, address: string): void {
    this.entries.delete(pairKey(handle, address));
    this.entries.delete(accountKey(handle));
  }

  size(): number {
    return this.entries.size;
  }

  private isStale(entry: Entry, t: number): boolean {
    return entry.blockedUntil <= t && t - entry.firstAt > this.windowMs;
  }

  private blockedUntil(key: string): number {
    const entry = this.entries.get(key);
    if (!entry) return 0;
    if (this.isStale(entry, this.now())) {
      this.entries.delete(key);
      return 0;
    }
    return entry.blockedUntil;
  }

  private bump(key: string, blockedUntil: (entry: Entry) => number): void {
    const t = this.now();
    let entry = this.entries.get(key);
    if (!entry || this.isStale(entry, t)) entry = { failures: 0, firstAt: t, lastAt: t, blockedUntil: 0 };
    entry.failures += 1;
    entry.lastAt = t;
    entry.blockedUntil = Math.max(entry.blockedUntil, blockedUntil(entry));
    // Re-insert so Map order is least-recently-failed first.
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries && !this.makeRoom(t)) return;
    this.entries.set(key, entry);
  }

  /** Forget the oldest entry that holds no one back. False when every entry is an active block. */
  private makeRoom(t: number): boolean {
    if (t < this.fullUntil) return false;
    for (const [key, entry] of this.entries) {
      if (entry.blockedUntil <= t) {
        this.entries.delete(key);
        return true;
      }
    }
    this.fullUntil = t + FULL_RESCAN_MS;
    return false;
  }
}

/** 1 s after the first failure past the limit, doubling, at most a minute. */
function accountDelay(failuresPastLimit: number): number {
  return Math.min(ACCOUNT_MAX_DELAY_MS, ACCOUNT_FIRST_DELAY_MS * 2 ** Math.min(16, failuresPastLimit));
}

const pairKey = (handle: string, address: string) => `u:${handle.toLowerCase()}|${sameAddress(address)}`;
const addressKey = (address: string) => `a:${sameAddress(address)}`;
const accountKey = (handle: string) => `h:${handle.toLowerCase()}`;
