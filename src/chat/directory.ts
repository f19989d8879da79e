/**
 * The chat core's window on what is kept across calls, for one caller: other accounts (online or
 * not), whom this caller ignores, their pager. The store implements it (session.ts binds it to the
 * caller's account); tests use an in-memory one. Calls are synchronous: the store is local SQLite.
 */

export interface AccountCard {
  handle: string;
  sysop: boolean;
  /** Milliseconds since the epoch. */
  createdAt: number;
  /** When their latest call began; null when they never called. */
  lastCallAt: number | null;
}

export interface Directory {
  /** The account with this handle, whatever its case; undefined when there is none. */
  account(handle: string): AccountCard | undefined;
  /** Handles (as registered) this caller ignores. */
  ignored(): string[];
  setIgnored(handle: string, ignored: boolean): void;
  setPagerOff(off: boolean): void;
}
