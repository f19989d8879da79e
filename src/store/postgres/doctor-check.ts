/**
 * `bbs doctor`'s database line when store.postgres is set: does the server answer, which version
 * is it, and is the schema one this ssh-bbs knows. Reads only, one connection, short timeouts.
 */
import { describePostgres } from './config.js';
import { createPool } from './pool.js';
import { POSTGRES_SCHEMA_VERSION, schemaVersion } from './schema.js';

const TIMEOUT_MS = 3000;

export interface PostgresCheck {
  status: 'ok' | 'warn' | 'FAIL';
  detail: string;
}

export async function checkPostgres(url: string): Promise<PostgresCheck> {
  const where = describePostgres(url);
  const pool = createPool({ url, size: 1, connectTimeoutMs: TIMEOUT_MS, statementTimeoutMs: TIMEOUT_MS });
  try {
    const { rows } = await pool.query<{ server_version: string }>('SHOW server_version');
    const version = await schemaVersion(pool);
    const base = `${where.replace(/^PostgreSQL /, `PostgreSQL ${rows[0]?.server_version.split(' ')[0] ?? '?'} at `)}`;
    if (version > POSTGRES_SCHEMA_VERSION) {
      return { status: 'FAIL', detail: `${base}: schema version ${version} is newer than this ssh-bbs knows (${POSTGRES_SCHEMA_VERSION}): upgrade ssh-bbs` };
    }
    if (version === 0) return { status: 'warn', detail: `${base}: no schema yet (bbs migrate makes it; so does the board's first start)` };
    if (version < POSTGRES_SCHEMA_VERSION) return { status: 'warn', detail: `${base}: schema version ${version}; bbs migrate (or the board's next start) brings it to ${POSTGRES_SCHEMA_VERSION}` };
    return { status: 'ok', detail: `${base}, schema version ${version}` };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return { status: 'FAIL', detail: `cannot reach ${where} (${e.code ?? e.message})` };
  } finally {
    await pool.end();
  }
}
