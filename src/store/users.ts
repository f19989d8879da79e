/**
 * Accounts: handles (unique without regard to case), password hashes, roles, bans, the public keys
 * bound to each account (one key, one account), and the call log. Validation of handles and
 * passwords lives here so the board and the CLI cannot store a bad one; which handles a newcomer
 * may take (reserved names) is registration's business, not ours.
 *
 * Failures the caller expects (handle taken, no such user, key taken, bad input) are StoreErrors
 * with a code and a sentence fit to show as it stands.
 */
import type { Statement } from 'better-sqlite3';
import type { Database } from './db.js';
import { StoreError } from './errors.js';
import { DUMMY_HASH, type PasswordHasher } from './passwords.js';
import { isRole, type NewKey, type NewUser, type Role, type StoredKey, type User, type UserStore } from './store.js';
import { checkHandle, checkKey, checkPassword, handleTaken, runUnique } from './user-input.js';
import { cleanKeyComment, fingerprintOf } from '../keys/openssh.js';

export interface UserStoreOptions {
  /** Milliseconds since the epoch; injected so tests control the timestamps. */
  now?: () => number;
}

interface UserRow {
  id: number;
  handle: string;
  role: Role;
  banned: number;
  created_at: number;
  last_login_at: number | null;
}

interface KeyRow {
  id: number;
  user_id: number;
  algo: string;
  fingerprint: string;
  comment: string;
  created_at: number;
}

const USER_COLUMNS = 'id, handle, role, banned, created_at, last_login_at';
const KEY_COLUMNS = 'id, user_id, algo, fingerprint, comment, created_at';
const MAX_REMOTE_LENGTH = 100;

/**
 * Every method does its SQLite work synchronously when called (prepared statements on a local file
 * take microseconds) and hands back a settled promise, so calls issued in turn are applied in turn.
 */
export class SqliteUserStore implements UserStore {
  private readonly now: () => number;
  private readonly sql: ReturnType<typeof prepareStatements>;

  constructor(
    private readonly db: Database,
    private readonly hasher: PasswordHasher,
    options: UserStoreOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.sql = prepareStatements(db);
  }

  /** Validates, hashes, and stores the user and (when given) their key in one transaction. */
  async create(input: NewUser): Promise<User> {
    const role = input.role ?? 'user';
    checkHandle(input.handle);
    checkPassword(input.password);
    if (!isRole(role)) throw new StoreError('ERR_BAD_INPUT', `Unknown role "${String(role)}": use user or sysop.`);
    if (input.key) checkKey(input.key);
    // Checked before hashing too, so a taken handle costs no hash; the UNIQUE index has the last word.
    if (this.userByHandle(input.handle)) throw handleTaken(input.handle);
    const passwordHash = await this.hasher.hash(input.password);
    const insert = this.db.transaction((): User => {
      const at = this.now();
      const id = Number(
        runUnique(
          () => this.sql.insertUser.run(input.handle, passwordHash, role, at).lastInsertRowid,
          () => handleTaken(input.handle),
        ),
      );
      if (input.key) this.insertKey(id, input.key);
      return this.mustFindById(id);
    });
    return insert.immediate();
  }

  async findByHandle(handle: string): Promise<User | undefined> {
    return this.userByHandle(handle);
  }

  async findById(id: number): Promise<User | undefined> {
    return this.userById(id);
  }

  /**
   * The user when the password is theirs, else undefined. Costs one hash whether or not the handle
   * exists, so response time does not reveal which handles do. Banned users still verify: the
   * caller decides what to tell them.
   */
  async verifyPassword(handle: string, password: string): Promise<User | undefined> {
    const row = this.sql.hashByHandle.get(handle) as { id: number; password_hash: string } | undefined;
    const matches = await this.hasher.verify(row?.password_hash ?? DUMMY_HASH, password);
    if (!row || !matches) return undefined;
    return this.userById(row.id);
  }

  async setPassword(handle: string, password: string): Promise<User> {
    checkPassword(password);
    const user = this.mustFindByHandle(handle);
    const passwordHash = await this.hasher.hash(password);
    this.sql.updatePassword.run(passwordHash, user.id);
    return this.mustFindById(user.id);
  }

  async setRole(handle: string, role: Role): Promise<User> {
    if (!isRole(role)) throw new StoreError('ERR_BAD_INPUT', `Unknown role "${String(role)}": use user or sysop.`);
    const user = this.mustFindByHandle(handle);
    this.sql.updateRole.run(role, user.id);
    return this.mustFindById(user.id);
  }

  async setBanned(handle: string, banned: boolean): Promise<User> {
    const user = this.mustFindByHandle(handle);
    this.sql.updateBanned.run(banned ? 1 : 0, user.id);
    return this.mustFindById(user.id);
  }

  /** Every user, by handle without regard to case. */
  async list(): Promise<User[]> {
    return (this.sql.allUsers.all() as UserRow[]).map((row) => toUser(row) as User);
  }

  /** Binds a key to the account. Adding a key the account already has returns it unchanged. */
  async addKey(handle: string, key: NewKey): Promise<StoredKey> {
    checkKey(key);
    const user = this.mustFindByHandle(handle);
    return this.db.transaction(() => this.insertKey(user.id, key)).immediate();
  }

  async keysFor(handle: string): Promise<StoredKey[]> {
    const user = this.mustFindByHandle(handle);
    return (this.sql.keysByUser.all(user.id) as KeyRow[]).map(toStoredKey);
  }

  /** The account this exact key (type and wire-format blob, as ssh2 hands them to auth) is bound to. */
  async findByKey(algo: string, blob: Buffer): Promise<User | undefined> {
    const row = this.sql.keyByBlob.get(algo, blob) as KeyRow | undefined;
    return row ? this.userById(row.user_id) : undefined;
  }

  /** Opens an entry in the call log and stamps the user's last login; returns the call's id. */
  async recordLogin(userId: number, call: { node: number; remote: string }): Promise<number> {
    const remote = call.remote.slice(0, MAX_REMOTE_LENGTH);
    const record = this.db.transaction((): number => {
      const at = this.now();
      if (this.sql.updateLastLogin.run(at, userId).changes === 0) {
        throw new StoreError('ERR_NO_SUCH_USER', `No user with id ${userId}.`);
      }
      return Number(this.sql.insertCall.run(userId, call.node, remote, at).lastInsertRowid);
    });
    return record.immediate();
  }

  /**
   * Closes every call-log entry still open, stamped now: at start-up no one is on the board, so an
   * open entry was left by a crash. Returns how many were closed.
   */
  async closeOpenCalls(): Promise<number> {
    return this.sql.endOpenCalls.run(this.now()).changes;
  }

  /** Closes a call log entry; closing one twice keeps the first end time. */
  async recordLogout(callId: number): Promise<void> {
    this.sql.endCall.run(this.now(), callId);
  }

  private insertKey(userId: number, key: NewKey): StoredKey {
    const existing = this.sql.keyByBlob.get(key.algo, key.blob) as KeyRow | undefined;
    if (existing && existing.user_id !== userId) {
      throw new StoreError('ERR_KEY_TAKEN', 'That key already belongs to another account.');
    }
    if (existing) return toStoredKey(existing);
    const comment = cleanKeyComment(key.comment ?? '');
    const fingerprint = fingerprintOf(key.blob);
    const id = this.sql.insertKey.run(userId, key.algo, key.blob, fingerprint, comment, this.now()).lastInsertRowid;
    return toStoredKey(this.sql.keyById.get(id) as KeyRow);
  }

  private userByHandle(handle: string): User | undefined {
    return toUser(this.sql.userByHandle.get(handle) as UserRow | undefined);
  }

  private userById(id: number): User | undefined {
    return toUser(this.sql.userById.get(id) as UserRow | undefined);
  }

  private mustFindByHandle(handle: string): User {
    const user = this.userByHandle(handle);
    if (!user) throw new StoreError('ERR_NO_SUCH_USER', `No user called ${handle}.`);
    return user;
  }

  private mustFindById(id: number): User {
    const user = this.userById(id);
    if (!user) throw new StoreError('ERR_NO_SUCH_USER', `No user with id ${id}.`);
    return user;
  }
}

function prepareStatements(db: Database) {
  const prepare = (source: string): Statement => db.prepare(source);
  return {
    insertUser: prepare('INSERT INTO users (handle, password_hash, role, created_at) VALUES (?, ?, ?, ?)'),
    userByHandle: prepare(`SELECT ${USER_COLUMNS} FROM users WHERE handle = ?`),
    userById: prepare(`SELECT ${USER_COLUMNS} FROM users WHERE id = ?`),
    hashByHandle: prepare('SELECT id, password_hash FROM users WHERE handle = ?'),
    allUsers: prepare(`SELECT ${USER_COLUMNS} FROM users ORDER BY handle`),
    updatePassword: prepare('UPDATE users SET password_hash = ? WHERE id = ?'),
    updateRole: prepare('UPDATE users SET role = ? WHERE id = ?'),
    updateBanned: prepare('UPDATE users SET banned = ? WHERE id = ?'),
    updateLastLogin: prepare('UPDATE users SET last_login_at = ? WHERE id = ?'),
    insertKey: prepare(
      'INSERT INTO user_keys (user_id, algo, blob, fingerprint, comment, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    keyById: prepare(`SELECT ${KEY_COLUMNS} FROM user_keys WHERE id = ?`),
    keyByBlob: prepare(`SELECT ${KEY_COLUMNS} FROM user_keys WHERE algo = ? AND blob = ?`),
    keysByUser: prepare(`SELECT ${KEY_COLUMNS} FROM user_keys WHERE user_id = ? ORDER BY id`),
    insertCall: prepare('INSERT INTO calls (user_id, node, remote, started_at) VALUES (?, ?, ?, ?)'),
    endCall: prepare('UPDATE calls SET ended_at = ? WHERE id = ? AND ended_at IS NULL'),
    endOpenCalls: prepare('UPDATE calls SET ended_at = ? WHERE ended_at IS NULL'),
  };
}

function toUser(row: UserRow | undefined): User | undefined {
  if (!row) return undefined;
  return {
    id: row.id,
    handle: row.handle,
    role: row.role,
    banned: row.banned === 1,
    createdAt: row.created_at,
    lastLoginAt: row.last_login_at,
  };
}

function toStoredKey(row: KeyRow): StoredKey {
  return { id: row.id, algo: row.algo, fingerprint: row.fingerprint, comment: row.comment, createdAt: row.created_at };
}
