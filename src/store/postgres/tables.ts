/**
 * BoardTables on PostgreSQL. A read is one REPEATABLE READ, READ ONLY transaction (one snapshot
 * of every table while the boards go on writing), fetched in pages by id so a long call log never
 * sits in memory whole; a write is one transaction on one connection.
 */
import type pg from 'pg';
import { TABLES, type Records, type TableName } from '../transfer/format.js';
import { FIELDS, insertFields, ORDER, type BoardTables, type TableReader, type TableWriter } from '../transfer/tables.js';
import { inTransaction } from './queries.js';

const PAGE = 1000;

/** The PostgreSQL column behind a record field where the names differ ("by" is reserved there). */
const COLUMN: Record<string, string> = { by: 'requested_by' };
const column = (field: string) => COLUMN[field] ?? field;

export function postgresTables(pool: pg.Pool): BoardTables {
  return {
    read: (use) =>
      inTransaction(pool, async (client) => {
        await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
        return use(reader(client));
      }),
    write: (work) => inTransaction(pool, (client) => work(writer(client))),
  };
}

async function count(client: pg.PoolClient, table: TableName): Promise<number> {
  const { rows } = await client.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`);
  return rows[0]!.n;
}

function reader(client: pg.PoolClient): TableReader {
  return {
    count: (table) => count(client, table),
    async *rows<T extends TableName>(table: T) {
      const select = FIELDS[table].map((field) => `${column(field)} AS "${field}"`).join(', ');
      const keys = ORDER[table].split(', ');
      let after: unknown[] | undefined;
      for (;;) {
        // Keyset paging: each page starts after the last row of the one before.
        const where = after ? `WHERE (${keys.join(', ')}) > (${keys.map((_, i) => `$${i + 1}`).join(', ')})` : '';
        const { rows } = await client.query<Record<string, unknown>>(
          `SELECT ${select} FROM ${table} ${where} ORDER BY ${ORDER[table]} LIMIT ${PAGE}`,
          after ?? [],
        );
        for (const row of rows) yield toRecord(row) as Records[T];
        if (rows.length < PAGE) return;
        const last = rows[rows.length - 1]!;
        after = keys.map((key) => last[key]);
      }
    },
  };
}

function writer(client: pg.PoolClient): TableWriter {
  return {
    count: (table) => count(client, table),
    async clear() {
      await client.query(`TRUNCATE ${TABLES.join(', ')} RESTART IDENTITY`);
    },
    async insert(table, row) {
      const fields = insertFields(table);
      const hasId = FIELDS[table][0] === 'id';
      const { rows } = await client.query<{ id: number }>(
        `INSERT INTO ${table} (${fields.map(column).join(', ')}) VALUES (${fields.map((_, i) => `$${i + 1}`).join(', ')})${hasId ? ' RETURNING id' : ''}`,
        fields.map((field) => toColumn(field, (row as Record<string, unknown>)[field])),
      );
      return hasId ? rows[0]!.id : undefined;
    },
  };
}

function toRecord(row: Record<string, unknown>): Record<string, unknown> {
  return Buffer.isBuffer(row.blob) ? { ...row, blob: row.blob.toString('base64') } : row;
}

function toColumn(field: string, value: unknown): unknown {
  return field === 'blob' ? Buffer.from(value as string, 'base64') : value;
}
