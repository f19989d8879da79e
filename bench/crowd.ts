/**
 * The callers of a run: accounts handed out once each (one account is on one node at a time, and a
 * second login would replace the first), callers connected a few at a time, and set-up times kept.
 */
import { BenchCaller, type SetupTimes } from './caller.js';
import type { Account } from './workspace.js';

/** Logins in flight at once: enough to keep the board busy, few enough not to hit its pre-auth cap. */
export const DIAL_CONCURRENCY = 4;

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

  /** An account nobody in this run has used yet. */
  takeAccount(): Account {
    const account = this.accounts[this.next++];
    if (!account) throw new Error(`the bench ran out of accounts (${this.accounts.length})`);
    return account;
  }

  /** Connects `count` more callers by key (80×24); resolves with each one's set-up times. */
  async grow(count: number): Promise<SetupTimes[]> {
    const accounts = Array.from({ length: count }, () => this.takeAccount());
    return mapLimited(accounts, DIAL_CONCURRENCY, async (account) => {
      const { caller, times } = await BenchCaller.connect({ port: this.port, handle: account.handle, privateKey: account.privateKey });
      this.callers.push(caller);
      return times;
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
