/**
 * BoardTables on the SQLite file. A read runs inside one read transaction (in WAL mode a reader
 * sees the snapshot it started with, while the board goes on writing); a write takes the write
 * lock first (BEGIN IMMEDIATE) and holds it until the import is committed or rolled back.
 * better-sqlite3 is synchronous, so the transactions are begun and ended by hand around the
 * asynchronous file reading.
 */
import type { Statement } from 'better-sqlite3';
import type { Database } from '../db.js';
import { TABLES, type Records, type TableName } from './format.js';
import { FIELDS, insertFields, ORDER, type BoardTables, type TableReader, type TableWriter } from './tables.js';

const BOOLEANS = new Set(['banned', 'pager_off']);

export function sqliteTables(db: Database): BoardTables {
  const count = async (table: TableName) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  const reader: TableReader = {
    count,
    async *rows<T extends TableName>(table: T) {
      const select = db.prepare(`SELECT ${FIELDS[table].map(quote).join(', ')} FROM ${table} ORDER BY ${ORDER[table]}`);
      for (const row of select.iterate() as Iterable<Record<string, unknown>>) yield toRecord(row) as Records[T];
    },
  };
  const inserts = new Map<TableName, Statement>();
  const writer: TableWriter = {
    count,
    async clear() {
      // Children first: users last, as the foreign keys point at it.
      for (const table of [...TABLES].reverse()) db.prepare(`DELETE FROM ${table}`).run();
    },
    async insert(table, row) {
      const fields = insertFields(table);
      let insert = inserts.get(table);
      if (!insert) {
        insert = db.prepare(`INSERT INTO ${table} (${fields.map(quote).join(', ')}) VALUES (${fields.map(() => '?').join(', ')})`);
        inserts.set(table, insert);
      }
      const values = fields.map((field) => toColumn(field, (row as Record<string, unknown>)[field]));
      const { lastInsertRowid } = insert.run(...values);
      return FIELDS[table][0] === 'id' ? Number(lastInsertRowid) : undefined;
    },
    // Each insert is a call into a local file, microseconds each: nothing gains from batching.
    async flush() {},
  };
  return {
    read: (use) => inTransaction(db, 'BEGIN', () => use(reader)),
    write: (work) => inTransaction(db, 'BEGIN IMMEDIATE', () => work(writer)),
  };
}

async function inTransaction<R>(db: Database, begin: string, work: () => Promise<R>): Promise<R> {
  db.exec(begin);
  try {
    const result = await work();
    db.exec('COMMIT');
    return result;
  } catch (err) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw err;
  }
}

/** `by` is a keyword in SQL: quote every column name. */
function quote(field: string): string {
  return `"${field}"`;
}

function toRecord(row: Record<string, unknown>): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(row)) {
    if (BOOLEANS.has(field)) record[field] = value === 1;
    else if (Buffer.isBuffer(value)) record[field] = value.toString('base64');
    else record[field] = value;
  }
  return record;
}

function toColumn(field: string, value: unknown): unknown {
  if (BOOLEANS.has(field)) return value ? 1 : 0;
  if (field === 'blob') return Buffer.from(value as string, 'base64');
  return value;
}
