/**
 * Password hashing: Argon2id (memory-hard) with the OWASP-recommended cost m=19 MiB, t=2, p=1,
 * stored as a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`) so the cost travels with
 * each hash and can be raised later. The library compares in constant time.
 *
 * One hash takes ~50 ms and 19 MiB, off the event loop. A semaphore bounds how many run at once:
 * a burst of logins (one attacker's, say) waits its turn in a FIFO queue instead of starving the
 * machine, and `waiting` lets the caller refuse when the queue is already long.
 */
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';

/** The cost of every new hash. DUMMY_HASH below must be made with the same. */
export const HASH_OPTIONS = Object.freeze({
  algorithm: 2, // Argon2id (a const enum in the library's types, unusable under isolatedModules)
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
});

/**
 * A hash of a random password nobody knows, with HASH_OPTIONS' cost. Verifying against it makes a
 * login for an unknown handle cost what a login for a known one costs, so timing does not tell
 * which handles exist.
 */
export const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$LKj+ZkNOldtoZj1or4brjA$fEPdgQsikC8r5dz7wTi9B355z1P4wpKSV4vOoCQtH+g';

export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 128;

/** Longer than any password we accept: refused at login without spending a hash on it. */
const MAX_VERIFIABLE_LENGTH = 4 * MAX_PASSWORD_LENGTH;

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** False for a wrong password and for a stored hash that is not a readable PHC string. */
  verify(phc: string, password: string): Promise<boolean>;
  /** Hashes running now (at most maxConcurrent). */
  readonly running: number;
  /** Hashes queued behind them. */
  readonly waiting: number;
}

export function createPasswordHasher({ maxConcurrent }: { maxConcurrent: number }): PasswordHasher {
  if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) {
    throw new RangeError(`maxConcurrent must be a positive integer, got ${maxConcurrent}`);
  }
  const slots = createSemaphore(maxConcurrent);
  return {
    hash: (password) => slots.run(() => argon2Hash(password, HASH_OPTIONS)),
    verify: async (phc, password) => {
      if (password.length > MAX_VERIFIABLE_LENGTH) return false;
      // A malformed stored hash makes the library throw; to the caller that is just "no match".
      return slots.run(() => argon2Verify(phc, password).catch(() => false));
    },
    get running() {
      return slots.running;
    },
    get waiting() {
      return slots.waiting;
    },
  };
}

/** Why a new password is not acceptable, as a sentence for its owner; undefined when it is fine. */
export function passwordProblem(password: string): string | undefined {
  const length = [...password].length; // code points: an emoji is one character to its owner
  if (length < MIN_PASSWORD_LENGTH) return `Passwords are at least ${MIN_PASSWORD_LENGTH} characters long.`;
  if (length > MAX_PASSWORD_LENGTH) return `Passwords are at most ${MAX_PASSWORD_LENGTH} characters long.`;
  if (password.trim() === '') return 'A password cannot be only spaces.';
  return undefined;
}

interface Semaphore {
  run<T>(task: () => Promise<T>): Promise<T>;
  readonly running: number;
  readonly waiting: number;
}

function createSemaphore(size: number): Semaphore {
  let running = 0;
  const queue: Array<() => void> = [];

  const release = () => {
    const next = queue.shift();
    if (next) next(); // the slot passes straight to the next in line
    else running--;
  };
  const acquire = (): Promise<void> => {
    if (running < size) {
      running++;
      return Promise.resolve();
    }
    return new Promise((resolve) => queue.push(resolve));
  };

  return {
    async run(task) {
      await acquire();
      try {
        return await task();
      } finally {
        release();
      }
    },
    get running() {
      return running;
    },
    get waiting() {
      return queue.length;
    },
  };
}
