/**
 * The connection pool to a PostgreSQL server: node-postgres's Pool, with its own limits and
 * timeouts rather than ours. A lost server never crashes the board: an idle connection's error is
 * logged and the pool drops it, and a query meanwhile rejects (after at most the connect timeout)
 * for its caller to refuse politely; the next query opens a new connection.
 */
import pg from 'pg';
import type { Logger } from 'pino';
import { StoreError } from '../errors.js';
import { describePostgres } from './config.js';

export interface PoolOptions {
  url: string;
  /** Connections at most; queries beyond wait for one. */
  size: number;
  /** How long to wait for a connection (opening one, or a free one in a full pool). */
  connectTimeoutMs: number;
  /** The server cancels a statement that runs longer; the client gives up a little later. */
  statementTimeoutMs: number;
  log?: Logger;
}

const INT8 = 20;

/**
 * bigint columns (ids, millisecond times, count(*)) as numbers, as the SQLite store returns them:
 * each is far below 2^53. node-postgres would hand them back as strings.
 */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 && format !== 'binary' ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export function createPool(options: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.size,
    connectionTimeoutMillis: options.connectTimeoutMs,
    statement_timeout: options.statementTimeoutMs,
    // A network that drops packets silently never answers: the client stops waiting too.
    query_timeout: options.statementTimeoutMs + options.connectTimeoutMs,
    idle_in_transaction_session_timeout: options.statementTimeoutMs * 2,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    application_name: 'ssh-bbs',
    types,
  });
  pool.on('error', (err) => {
    options.log?.warn({ err: { message: err.message, code: (err as { code?: string }).code } }, 'PostgreSQL connection lost');
  });
  return pool;
}

/** A failure to reach or use the server at open, as the sentence a sysop reads. */
export function openFailure(url: string, err: unknown): StoreError {
  if (err instanceof StoreError) return err;
  const reason = (err as { code?: string }).code === '3D000' ? 'no such database' : describeError(err);
  return new StoreError('ERR_DB_OPEN', `Cannot open the database ${describePostgres(url)}: ${reason}`, { cause: err });
}

function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // A refused connection from several addresses (localhost as ::1 and 127.0.0.1) is an AggregateError with no message.
  if (err instanceof AggregateError && !err.message) return err.errors.map((e: Error) => e.message).join('; ');
  return err.message;
}
