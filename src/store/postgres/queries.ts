/**
 * What every PostgreSQL store file needs: a transaction on one pooled connection, and a unique
 * violation told apart by the index it hit (the schema names them).
 */
import type pg from 'pg';

/** Something that runs a query: the pool, or one connection inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'>;

/** Runs `work` in one transaction on one connection: committed when it resolves, rolled back when it throws. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    // A connection that cannot even roll back is broken: the pool must not hand it out again.
    await client.query('ROLLBACK').catch((rollbackErr: Error) => (broken = rollbackErr));
    throw err;
  } finally {
    client.release(broken);
  }
}

/** PostgreSQL's unique_violation, on the named index or constraint. */
export function isUniqueViolation(err: unknown, constraint: string): boolean {
  const { code, constraint: hit } = err as { code?: unknown; constraint?: unknown };
  return code === '23505' && hit === constraint;
}

export const HANDLE_INDEX = 'users_handle_key';
export const KEY_INDEX = 'user_keys_blob_key';
