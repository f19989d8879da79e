/**
 * What the board and the CLI keep, as interfaces: accounts (UserStore), the community's memory
 * (CommunityStore), the room's recent history (HistoryStore) and the sysop's heavy account changes
 * (AccountAdmin), bundled as Stores. SQLite is one implementation (sqlite-stores.ts); a server
 * database is another. This file knows no driver: it imports neither better-sqlite3 nor pg.
 *
 * The contract every implementation keeps (test/store/contract.ts checks it):
 * - Every method returns a Promise. An outcome the caller expects (handle taken, no such user, key
 *   taken, bad input) rejects with a StoreError whose `code` callers branch on and whose message is
 *   a sentence fit to show as it stands. Anything else (connection lost, disk full) rejects with the
 *   driver's error; callers log it and refuse politely.
 * - Handles are compared without regard to case (they are ASCII) and kept as registered.
 * - Times are numbers: milliseconds since the epoch, taken from the implementation's injected clock.
 * - Ids are positive integers; a user's id never changes, not even on rename.
 * - Each method is atomic: a concurrent caller sees all of its writes or none.
 * - History appends are stored in the order they were called, even when the caller does not await
 *   one append before issuing the next (the room appends fire-and-forget). Every other write is
 *   awaited by its caller before it issues one that depends on it, so needs no such promise.
 * - close() waits for the writes already issued, then releases the database.
 * - Inputs are checked before anything is written (user-input.ts), so no implementation stores a
 *   handle, password or key that another would refuse.
 */
import type { ChatMessage } from '../chat/messages.js';
import type { PasswordHasher } from './passwords.js';

export { StoreError, type StoreErrorCode } from './errors.js';

export type Role = 'user' | 'sysop';

export function isRole(value: unknown): value is Role {
  return value === 'user' || value === 'sysop';
}

export interface User {
  id: number;
  handle: string;
  role: Role;
  banned: boolean;
  createdAt: number;
  lastLoginAt: number | null;
}

export interface StoredKey {
  id: number;
  algo: string;
  /** SHA256:… as OpenSSH prints it. */
  fingerprint: string;
  comment: string;
  createdAt: number;
}

/** A public key as ssh2 hands it to auth: its type and its wire-format blob. */
export interface NewKey {
  algo: string;
  blob: Buffer;
  comment?: string;
}

export interface NewUser {
  handle: string;
  password: string;
  role?: Role;
  key?: NewKey;
}

export interface Ban {
  reason: string;
  /** Milliseconds since the epoch; null for a ban without an end. */
  until: number | null;
  by: string;
}

export interface WaitingLimits {
  /** Messages one sender may leave waiting for one recipient. */
  perSender: number;
  /** Messages one recipient may have waiting in all. */
  perRecipient: number;
}

export type LeaveResult = 'stored' | 'sender-limit' | 'recipient-limit';

export interface WaitingMessage {
  fromId: number;
  message: ChatMessage;
}

export interface RecentCall {
  handle: string;
  startedAt: number;
  endedAt: number | null;
}

export interface OpenCall {
  handle: string;
  node: number;
  remote: string;
  startedAt: number;
}

export interface KickRequest {
  by: string;
  reason: string;
}

/** A running call whose account a kick may be asked for: kicks asked before `since` do not count. */
export interface KickedCall {
  userId: number;
  since: number;
}

/** What a running call must notice about its account: see CommunityStore.accountsNow. */
export interface AccountNow {
  handle: string;
  role: Role;
  ban: Ban | undefined;
}

export interface SysopAction {
  at: number;
  actor: string;
  action: string;
  target: string;
  detail: string;
}

/** Accounts: handles, password hashes, roles, the keys bound to each account, the call log. */
export interface UserStore {
  /** Checks, hashes and stores the user and (when given) their key together. ERR_HANDLE_TAKEN, ERR_KEY_TAKEN, ERR_BAD_INPUT. */
  create(input: NewUser): Promise<User>;
  findByHandle(handle: string): Promise<User | undefined>;
  findById(id: number): Promise<User | undefined>;
  /** The user when the password is theirs. Costs one hash whether or not the handle exists; banned users still verify. */
  verifyPassword(handle: string, password: string): Promise<User | undefined>;
  /** ERR_NO_SUCH_USER, ERR_BAD_INPUT. */
  setPassword(handle: string, password: string): Promise<User>;
  /** ERR_NO_SUCH_USER, ERR_BAD_INPUT. */
  setRole(handle: string, role: Role): Promise<User>;
  /** The plain flag only; CommunityStore.ban keeps a reason and an end. ERR_NO_SUCH_USER. */
  setBanned(handle: string, banned: boolean): Promise<User>;
  /** Every user, by handle without regard to case. */
  list(): Promise<User[]>;
  /** Binds a key; one the account already has comes back unchanged. ERR_KEY_TAKEN, ERR_NO_SUCH_USER, ERR_BAD_INPUT. */
  addKey(handle: string, key: NewKey): Promise<StoredKey>;
  /** The account's keys in the order they were added. ERR_NO_SUCH_USER. */
  keysFor(handle: string): Promise<StoredKey[]>;
  /** The account this exact key (type and blob) is bound to. */
  findByKey(algo: string, blob: Buffer): Promise<User | undefined>;
  /** Opens a call-log entry and stamps the last login; the call's id. `remote` is cut to 100 characters. ERR_NO_SUCH_USER. */
  recordLogin(userId: number, call: { node: number; remote: string }): Promise<number>;
  /** Ends every call still open (at start-up an open call was left by a crash); how many. */
  closeOpenCalls(): Promise<number>;
  /** Ends a call; ending it twice keeps the first end time. */
  recordLogout(callId: number): Promise<void>;
}

/** What the community keeps across calls: ignores, pager, time zone, handle colour, bans, waiting messages, kicks, the sysop log. */
export interface CommunityStore {
  /** Handles (as registered) this account ignores, by handle without regard to case. */
  ignored(userId: number): Promise<string[]>;
  /** Idempotent both ways. */
  setIgnored(userId: number, targetId: number, ignored: boolean): Promise<void>;
  pagerOff(userId: number): Promise<boolean>;
  setPagerOff(userId: number, off: boolean): Promise<void>;
  /** The IANA zone the caller chose with /tz; undefined for the board's own. */
  timeZone(userId: number): Promise<string | undefined>;
  setTimeZone(userId: number, zone: string | undefined): Promise<void>;
  /** The colour the caller chose for their handle with /color (a palette name); undefined for its default. */
  handleColor(userId: number): Promise<string | undefined>;
  setHandleColor(userId: number, color: string | undefined): Promise<void>;
  /** Sets the banned flag with a reason, an end and who did it. */
  ban(userId: number, ban: Ban): Promise<void>;
  unban(userId: number): Promise<void>;
  /** The ban in force now; one whose end has passed is lifted on the way and gives undefined. */
  activeBan(userId: number): Promise<Ban | undefined>;
  /**
   * These accounts as they are now, by id, in one read: what a running call must notice (a
   * rename, a role change, a ban). A deleted account is missing; bans that ran out are lifted.
   */
  accountsNow(userIds: readonly number[]): Promise<Map<number, AccountNow>>;
  /** Keeps a private line or page for an absent recipient; the limits are checked and the insert made atomically. */
  leaveMessage(toId: number, fromId: number, message: ChatMessage, limits: WaitingLimits): Promise<LeaveResult>;
  /** The messages waiting for this account, oldest first; they are removed in the same step. */
  takeWaiting(toId: number): Promise<WaitingMessage[]>;
  /**
   * The latest `limit` calls, newest first. A call neither ended nor heard from within `freshMs`
   * counts as ended when it was last heard from: its board was killed, and with other boards on
   * the same database still running, no start-up closes it.
   */
  recentCalls(limit: number, freshMs: number): Promise<RecentCall[]>;
  /** A caller unbinding one of their own keys; false when they have no such key. */
  removeKey(userId: number, fingerprint: string): Promise<boolean>;
  /** Running calls' heartbeat, all in one write: openCalls counts each as fresh from now. */
  touchCalls(callIds: readonly number[]): Promise<void>;
  /** Calls not ended and started or touched within the last `freshMs`, by node. */
  openCalls(freshMs: number): Promise<OpenCall[]>;
  requestKick(userId: number, request: KickRequest): Promise<void>;
  /**
   * For each running call, the newest kick asked for its account at or after the call's `since`,
   * by account id; every request for an account found is used up in the same step.
   */
  takeKicks(calls: readonly KickedCall[]): Promise<Map<number, KickRequest>>;
  /** Who did what to whom: every sysop action, from the board or the CLI. */
  logAction(actor: string, action: string, target: string, detail?: string): Promise<void>;
  /** The latest `limit` actions, newest first. */
  actions(limit: number): Promise<SysopAction[]>;
}

/** The room's recent history, kept across restarts. Rows that no longer parse are skipped, never fatal. */
export interface HistoryStore {
  /** The newest `limit` messages (at most HISTORY_ROWS_KEPT), oldest first. */
  load(limit: number): Promise<ChatMessage[]>;
  /** Stored in call order even when not awaited in turn (see the contract above). */
  append(message: ChatMessage): Promise<void>;
}

/** History rows an implementation keeps at least: more than any configured chat.history (at most 1000). */
export const HISTORY_ROWS_KEPT = 1000;

/** The sysop's heavier account changes. A running board notices each at the caller's next account check. */
export interface AccountAdmin {
  /** Renaming to another case of the same handle is allowed. ERR_NO_SUCH_USER, ERR_HANDLE_TAKEN, ERR_BAD_INPUT. */
  renameUser(from: string, to: string): Promise<{ from: string; to: string }>;
  /** Removes the account with its keys, calls, ignores (both ways), waiting messages and kick requests; the handle as it was. ERR_NO_SUCH_USER. */
  deleteUser(handle: string): Promise<string>;
  /** Unbinds the key with this fingerprint; false when the account has no such key. ERR_NO_SUCH_USER. */
  removeKey(handle: string, fingerprint: string): Promise<boolean>;
}

/** One open database and everything kept in it. */
export interface Stores {
  /** Which engine: commands that only make sense for one (bbs backup copies a SQLite file) check it. */
  readonly kind: 'sqlite' | 'postgres';
  readonly users: UserStore;
  readonly community: CommunityStore;
  readonly history: HistoryStore;
  readonly admin: AccountAdmin;
  /** Names the database for messages and logs ("/srv/bbs/data/bbs.sqlite"); never a password. */
  describe(): string;
  /** Waits for writes already issued (history appends included), then releases the database. Idempotent. */
  close(): Promise<void>;
}

/**
 * What every implementation's opener takes besides where the database is. Opening rejects with
 * StoreError ERR_DB_MISSING (none there and `create` is false), ERR_DB_OPEN (a sentence naming the
 * database and the reason), ERR_DB_TOO_NEW (a newer ssh-bbs wrote the schema) or ERR_DB_CORRUPT.
 */
export interface StoresOptions {
  hasher: PasswordHasher;
  /** Milliseconds since the epoch; injected so tests control the timestamps. */
  now?: () => number;
  /** Make a new, empty database when there is none (default true: the board does; the CLI only with --create). */
  create?: boolean;
}
