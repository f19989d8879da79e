/**
 * The store contract (src/store/store.ts) as one suite that any implementation runs: call
 * describeStoreContract(name, open) from a test file with an opener that gives a fresh, empty
 * database on the clock it is handed. SQLite runs it in test/unit/store-contract-sqlite.test.ts; a
 * server database runs the same suite against its own opener. Only what the interfaces promise is
 * checked here: nothing looks at tables or files.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect } from 'vitest';
import { StoreError, type NewKey, type Role, type StoreErrorCode, type Stores, type User } from '../../src/store/store.js';
import { describeCommunityContract } from './contract-community.js';
import { describeHistoryAndAdminContract } from './contract-history-admin.js';
import { describeUserContract } from './contract-users.js';

/** Opens fresh, empty stores whose clock is `now`. */
export type OpenStores = (now: () => number) => Promise<Stores>;

export const PASSWORD = 'correct horse battery';
export const T0 = 1_700_000_000_000;

/** What every part of the suite works with; `stores` and `time` are fresh for each test. */
export interface Fixture {
  readonly stores: Stores;
  /** The stores' clock, in milliseconds since the epoch; tests move it. */
  time: number;
  /** A new account with PASSWORD. */
  user(handle: string, role?: Role): Promise<User>;
}

export function describeStoreContract(name: string, open: OpenStores): void {
  describe(`${name}: the store contract`, () => {
    const fixture = useFixture(open);
    describeUserContract(fixture);
    describeCommunityContract(fixture);
    describeHistoryAndAdminContract(fixture);
  });
}

function useFixture(open: OpenStores): Fixture {
  let current: Stores | undefined;
  const fixture: Fixture = {
    get stores() {
      if (!current) throw new Error('the stores are open only inside a test');
      return current;
    },
    time: T0,
    user: (handle, role = 'user') => fixture.stores.users.create({ handle, password: PASSWORD, role }),
  };
  beforeEach(async () => {
    fixture.time = T0;
    current = await open(() => fixture.time);
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return fixture;
}

/** A public key as auth hands it over. The store keeps and compares the bytes; it never parses them. */
export function newKey(comment = 'me@host'): NewKey {
  return { algo: 'ssh-ed25519', blob: randomBytes(51), comment };
}

/** Awaits a rejection with this StoreError code, and hands the error back for its message. */
export async function rejectsWith(promise: Promise<unknown>, code: StoreErrorCode): Promise<StoreError> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StoreError);
  expect((err as StoreError).code).toBe(code);
  return err as StoreError;
}
