/**
 * What `bbs export` and `bbs import` need of a database, whichever it is: every table's rows as
 * the portable records of format.ts, read from one consistent snapshot; and rows written back in
 * one transaction, each given a new id by the database. sqlite-tables.ts and
 * postgres/tables.ts implement it; export.ts and import.ts know only this.
 */
import { TABLES, type Records, type TableName } from './format.js';

export interface TableReader {
  count(table: TableName): Promise<number>;
  /** The table's rows in file order: by id (ignores by their two ids). */
  rows<T extends TableName>(table: T): AsyncIterable<Records[T]>;
}

export interface TableWriter {
  count(table: TableName): Promise<number>;
  /** Empties every table. */
  clear(): Promise<void>;
  /**
   * Adds the row under a new id (the row's own is not used). A user is written at once and its new
   * id returned, as the rows after it point at it; so is any row the database could refuse (a
   * duplicate key or ignore). Rows of the logs and stored messages may wait in a batch until flush().
   */
  insert<T extends TableName>(table: T, row: Records[T]): Promise<number | undefined>;
  /** Writes the rows still waiting in a batch, in the order they were added. */
  flush(): Promise<void>;
}

export interface BoardTables {
  /** Reads from one snapshot: rows written meanwhile are all in it or none. */
  read<R>(use: (reader: TableReader) => Promise<R>): Promise<R>;
  /** One transaction: committed when `work` resolves, rolled back when it throws. */
  write<R>(work: (writer: TableWriter) => Promise<R>): Promise<R>;
}

/** The record fields of each table (the id first where there is one), as both databases name their columns but for kick_requests.by. */
export const FIELDS: { [T in TableName]: ReadonlyArray<keyof Records[T] & string> } = {
  users: ['id', 'handle', 'password_hash', 'role', 'banned', 'created_at', 'last_login_at', 'pager_off', 'ban_reason', 'ban_until', 'banned_by', 'time_zone', 'handle_color'],
  user_keys: ['id', 'user_id', 'algo', 'blob', 'fingerprint', 'comment', 'created_at'],
  ignores: ['user_id', 'ignored_id'],
  calls: ['id', 'user_id', 'node', 'remote', 'started_at', 'ended_at', 'seen_at'],
  waiting_messages: ['id', 'to_id', 'from_id', 'at', 'json'],
  kick_requests: ['id', 'user_id', 'at', 'by', 'reason'],
  sysop_log: ['id', 'at', 'actor', 'action', 'target', 'detail'],
  chat_history: ['id', 'at', 'json'],
};

export const ORDER: Record<TableName, string> = {
  ...(Object.fromEntries(TABLES.map((t) => [t, 'id'])) as Record<TableName, string>),
  ignores: 'user_id, ignored_id',
};

/** The fields written on insert: all but the id, which the database gives. */
export function insertFields(table: TableName): string[] {
  return FIELDS[table].filter((field) => field !== 'id');
}
