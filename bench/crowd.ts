/**
 * The callers of a run: accounts handed out once each (one account is on one node at a time, and a
 * second login would replace the first), callers connected a few at a time, each from its own
 * loopback address, and set-up times kept.
 */
import { BenchCaller, readyCaller, type SetupTimes } from './caller.js';
import type { Account } from './workspace.js';

/** Logins in flight at once: a crowd arriving, within the board's pre-auth cap (the bench config's 64). */
export const DIAL_CONCURRENCY = 20;

/**
 * Caller number `n` (from 0) calls from 127.10.x.y: one address per caller, as callers on the
 * internet have, so per-address state (caps, counters, logs) is exercised as it would be. Linux
 * routes all of 127.0.0.0/8 to the loopback interface, so any of them can be bound.
 */
export function loopbackAddress(n: number): string {
  return `127.10.${Math.floor(n / 250) % 250}.${1 + (n % 250)}`;
}

export class Crowd {
  readonly callers: BenchCaller[] = [];
  private next = 0;

  constructor(
    private readonly port: number,
    private readonly accounts: readonly Account[],
  ) {}

  get size(): number {
    return this.callers.length;
  }

  /** An account nobody in this run has used yet, and the address its caller calls from. */
  takeAccount(): Account & { localAddress: string } {
    const n = this.next++;
    const account = this.accounts[n];
    if (!account) throw new Error(`the bench ran out of accounts (${this.accounts.length})`);
    return { ...account, localAddress: loopbackAddress(n) };
  }

  /**
   * Connects `count` more callers by key (120×40); resolves with each one's set-up times, once
   * every caller's screen is parsed. Meanwhile the screens nobody reads (the crowd's, and each
   * newcomer's once it is in) are parsed afterwards: see BenchCaller.deferParsing.
   */
  async grow(count: number, concurrency = DIAL_CONCURRENCY): Promise<SetupTimes[]> {
    for (const caller of this.callers) caller.deferParsing();
    try {
      const joined = await this.dial(count, concurrency, (caller) => caller.deferParsing());
      this.callers.push(...joined.map((j) => j.caller));
      return joined.map((j) => j.times);
    } finally {
      await Promise.all(this.callers.map((caller) => caller.catchUp()));
    }
  }

  /** Connects `count` callers that are not part of the crowd (the caller owns them). */
  async dial(
    count: number,
    concurrency = DIAL_CONCURRENCY,
    onIn: (caller: BenchCaller) => void = () => undefined,
  ): Promise<Array<{ caller: BenchCaller; times: SetupTimes }>> {
    const accounts = Array.from({ length: count }, () => this.takeAccount());
    const ready = accounts.map((a) => readyCaller({ port: this.port, handle: a.handle, privateKey: a.privateKey, localAddress: a.localAddress }));
    return mapLimited(ready, concurrency, async (caller) => {
      const joined = await BenchCaller.connect(caller);
      onIn(joined.caller);
      return joined;
    });
  }

  /** Hangs up on everyone at once. */
  async hangUp(): Promise<void> {
    const leaving = this.callers.splice(0);
    await Promise.all(leaving.map((caller) => caller.close()));
  }
}

/** Runs `task` over `items` with at most `limit` in flight; results in the order of `items`. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let index = 0;
  const worker = async () => {
    while (index < items.length) {
      const mine = index++;
      results[mine] = await task(items[mine] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
