/**
 * What the board's config, its messages and its choice of store need to know of PostgreSQL,
 * without loading the driver: a board on SQLite never loads pg (about 20 ms per process).
 */
import type { StoreConfig } from '../../config.js';
import { redactUrl } from '../../redact-url.js';
import type { Stores } from '../store.js';
import type { PostgresStores } from './open.js';
import type { PoolOptions } from './pool.js';

/** "PostgreSQL postgres://bbs:***@db:5432/bbs": names the database, never its password. */
export function describePostgres(url: string): string {
  return `PostgreSQL ${redactUrl(url)}`;
}

/** The pool's limits as config.yaml's store section gives them. */
export function poolOptionsFrom(store: Pick<StoreConfig, 'pool_size' | 'connect_timeout_seconds' | 'statement_timeout_seconds'>): Omit<PoolOptions, 'url' | 'log'> {
  return { size: store.pool_size, connectTimeoutMs: store.connect_timeout_seconds * 1000, statementTimeoutMs: store.statement_timeout_seconds * 1000 };
}

export function isPostgresStores(stores: Stores): stores is PostgresStores {
  return stores.kind === 'postgres' && 'pool' in stores;
}
