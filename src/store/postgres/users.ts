/**
 * Accounts in PostgreSQL: the UserStore contract (src/store/store.ts) with the SQLite store's
 * semantics. Handles are looked up through lower(handle), the expression the unique index is on;
 * keys through sha256(blob), the expression theirs is on. A race the checks before a write cannot
 * see (two registrations of one handle at once) ends at the unique index, turned into the same
 * StoreError the check gives.
 */
import type pg from 'pg';
import { cleanKeyComment, fingerprintOf } from '../../keys/openssh.js';
import { StoreError } from '../errors.js';
import { DUMMY_HASH, type PasswordHasher } from '../passwords.js';
import { isRole, type NewKey, type NewUser, type Role, type StoredKey, type User, type UserStore } from '../store.js';
import { checkHandle, checkKey, checkPassword, handleTaken } from '../user-input.js';
import { HANDLE_INDEX, inTransaction, isUniqueViolation, type Queryable } from './queries.js';

interface UserRow {
  id: number;
  handle: string;
  role: Role;
  banned: boolean;
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
const BY_HANDLE = 'lower(handle) = lower($1)';
const BY_KEY = 'algo = $1 AND sha256(blob) = sha256($2) AND blob = $2';
const MAX_REMOTE_LENGTH = 100;

export class PostgresUserStore implements UserStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly hasher: PasswordHasher,
    private readonly now: () => number,
  ) {}

  async create(input: NewUser): Promise<User> {
    const role = input.role ?? 'user';
    checkHandle(input.handle);
    checkPassword(input.password);
    if (!isRole(role)) throw new StoreError('ERR_BAD_INPUT', `Unknown role "${String(role)}": use user or sysop.`);
    if (input.key) checkKey(input.key);
    // Checked before hashing too, so a taken handle costs no hash; the unique index has the last word.
    if (await this.findByHandle(input.handle)) throw handleTaken(input.handle);
    const passwordHash = await this.hasher.hash(input.password);
    try {
      return await inTransaction(this.pool, async (client) => {
        const at = this.now();
        const { rows } = await client.query<UserRow>(
          `INSERT INTO users (handle, password_hash, role, created_at) VALUES ($1, $2, $3, $4) RETURNING ${USER_COLUMNS}`,
          [input.handle, passwordHash, role, at],
        );
        const user = toUser(rows[0]!);
        if (input.key) await insertKey(client, user.id, input.key, at);
        return user;
      });
    } catch (err) {
      if (isUniqueViolation(err, HANDLE_INDEX)) throw handleTaken(input.handle);
      throw err;
    }
  }

  async findByHandle(handle: string): Promise<User | undefined> {
    return this.oneUser(`SELECT ${USER_COLUMNS} FROM users WHERE ${BY_HANDLE}`, [handle]);
  }

  async findById(id: number): Promise<User | undefined> {
    return this.oneUser(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id]);
  }

  async verifyPassword(handle: string, password: string): Promise<User | undefined> {
    const { rows } = await this.pool.query<{ id: number; password_hash: string }>(`SELECT id, password_hash FROM users WHERE ${BY_HANDLE}`, [handle]);
    const row = rows[0];
    // One hash whether or not the handle exists: the time taken does not tell which handles do.
    const matches = await this.hasher.verify(row?.password_hash ?? DUMMY_HASH, password);
    if (!row || !matches) return undefined;
    return this.findById(row.id);
  }

  async setPassword(handle: string, password: string): Promise<User> {
    checkPassword(password);
    const user = await this.mustFindByHandle(handle);
    const passwordHash = await this.hasher.hash(password);
    return this.updateUser('password_hash = $2', user.id, passwordHash);
  }

  async setRole(handle: string, role: Role): Promise<User> {
    if (!isRole(role)) throw new StoreError('ERR_BAD_INPUT', `Unknown role "${String(role)}": use user or sysop.`);
    const user = await this.mustFindByHandle(handle);
    return this.updateUser('role = $2', user.id, role);
  }

  async setBanned(handle: string, banned: boolean): Promise<User> {
    const user = await this.mustFindByHandle(handle);
    return this.updateUser('banned = $2', user.id, banned);
  }

  async list(): Promise<User[]> {
    const { rows } = await this.pool.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users ORDER BY lower(handle) COLLATE "C", id`);
    return rows.map(toUser);
  }

  async addKey(handle: string, key: NewKey): Promise<StoredKey> {
    checkKey(key);
    const user = await this.mustFindByHandle(handle);
    return insertKey(this.pool, user.id, key, this.now());
  }

  async keysFor(handle: string): Promise<StoredKey[]> {
    const user = await this.mustFindByHandle(handle);
    const { rows } = await this.pool.query<KeyRow>(`SELECT ${KEY_COLUMNS} FROM user_keys WHERE user_id = $1 ORDER BY id`, [user.id]);
    return rows.map(toStoredKey);
  }

  async findByKey(algo: string, blob: Buffer): Promise<User | undefined> {
    return this.oneUser(`SELECT ${USER_COLUMNS} FROM users WHERE id = (SELECT user_id FROM user_keys WHERE ${BY_KEY})`, [algo, blob]);
  }

  async recordLogin(userId: number, call: { node: number; remote: string }): Promise<number> {
    // One statement: the stamp and the call-log entry are made together or not at all.
    const { rows } = await this.pool.query<{ id: number }>(
      `WITH stamped AS (UPDATE users SET last_login_at = $2 WHERE id = $1 RETURNING id)
       INSERT INTO calls (user_id, node, remote, started_at) SELECT id, $3, $4, $2 FROM stamped RETURNING id`,
      [userId, this.now(), call.node, call.remote.slice(0, MAX_REMOTE_LENGTH)],
    );
    if (!rows[0]) throw new StoreError('ERR_NO_SUCH_USER', `No user with id ${userId}.`);
    return rows[0].id;
  }

  async closeOpenCalls(): Promise<number> {
    const result = await this.pool.query('UPDATE calls SET ended_at = $1 WHERE ended_at IS NULL', [this.now()]);
    return result.rowCount ?? 0;
  }

  async recordLogout(callId: number): Promise<void> {
    await this.pool.query('UPDATE calls SET ended_at = $1 WHERE id = $2 AND ended_at IS NULL', [this.now(), callId]);
  }

  private async oneUser(sql: string, params: unknown[]): Promise<User | undefined> {
    const { rows } = await this.pool.query<UserRow>(sql, params);
    return rows[0] ? toUser(rows[0]) : undefined;
  }

  private async updateUser(assignment: string, id: number, value: unknown): Promise<User> {
    const user = await this.oneUser(`UPDATE users SET ${assignment} WHERE id = $1 RETURNING ${USER_COLUMNS}`, [id, value]);
    if (!user) throw new StoreError('ERR_NO_SUCH_USER', `No user with id ${id}.`);
    return user;
  }

  private async mustFindByHandle(handle: string): Promise<User> {
    const user = await this.findByHandle(handle);
    if (!user) throw new StoreError('ERR_NO_SUCH_USER', `No user called ${handle}.`);
    return user;
  }
}

/**
 * Binds a key to the account; the account's own key again comes back unchanged, another account's
 * is refused. ON CONFLICT makes "insert unless bound" one step, so two binds at once cannot both
 * insert.
 */
async function insertKey(db: Queryable, userId: number, key: NewKey, at: number): Promise<StoredKey> {
  const inserted = await db.query<KeyRow>(
    `INSERT INTO user_keys (user_id, algo, blob, fingerprint, comment, created_at) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (algo, sha256(blob)) DO NOTHING RETURNING ${KEY_COLUMNS}`,
    [userId, key.algo, key.blob, fingerprintOf(key.blob), cleanKeyComment(key.comment ?? ''), at],
  );
  if (inserted.rows[0]) return toStoredKey(inserted.rows[0]);
  const { rows } = await db.query<KeyRow>(`SELECT ${KEY_COLUMNS} FROM user_keys WHERE ${BY_KEY}`, [key.algo, key.blob]);
  const existing = rows[0];
  if (!existing || existing.user_id !== userId) throw new StoreError('ERR_KEY_TAKEN', 'That key already belongs to another account.');
  return toStoredKey(existing);
}

function toUser(row: UserRow): User {
  return { id: row.id, handle: row.handle, role: row.role, banned: row.banned, createdAt: row.created_at, lastLoginAt: row.last_login_at };
}

function toStoredKey(row: KeyRow): StoredKey {
  return { id: row.id, algo: row.algo, fingerprint: row.fingerprint, comment: row.comment, createdAt: row.created_at };
}
