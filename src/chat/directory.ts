/**
 * The chat core's window on what is kept across calls, for one caller: other accounts (online or
 * not), whom this caller ignores, their pager. The store implements it (session.ts binds it to the
 * caller's account); tests use an in-memory one. Every call returns a promise, since the store may
 * be a server away; member.ts holds the caller's later lines while one is pending, so the replies
 * keep the order of the lines typed. The ignore list is read before the member is made.
 */
import type { DirectMessage, PageMessage } from './messages.js';

export interface AccountCard {
  handle: string;
  sysop: boolean;
  /** Milliseconds since the epoch. */
  createdAt: number;
  /** When their latest call began; null when they never called. */
  lastCallAt: number | null;
}

/** What became of a private line or page left for someone who is not on the board. */
export type LeaveResult = 'stored' | 'sender-limit' | 'recipient-limit' | 'no-account';

export interface Directory {
  /** The account with this handle, whatever its case; undefined when there is none. */
  account(handle: string): Promise<AccountCard | undefined>;
  setIgnored(handle: string, ignored: boolean): Promise<void>;
  setPagerOff(off: boolean): Promise<void>;
  /** Keeps a private line or page from this caller for an account that is not on the board. */
  leaveMessage(message: DirectMessage | PageMessage): Promise<LeaveResult>;
  /** The latest calls, newest first. */
  recentCalls(limit: number): Promise<Array<{ handle: string; startedAt: number; endedAt: number | null }>>;
  /** Every account, by handle. */
  accounts(): Promise<AccountCard[]>;
}
