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
const BATCH = 500;
const BATCHED = new Set<TableName>(['calls', 'waiting_messages', 'kick_requests', 'sysop_log', 'chat_history']);

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

/**
 * Users are inserted one by one (their new ids are needed at once), and so are keys and ignores
 * (a row refused as a duplicate is then the line the import names); the rows of the logs and
 * stored messages, which nothing can refuse, go in batches of BATCH rows, one multi-row INSERT
 * each, whose rows take their ids in the order listed. A round trip per row took 9.2 s for 1,000 users and 50,000 calls into a local server;
 * in batches, 2.6 s (both on 2 busy cores).
 */
function writer(client: pg.PoolClient): TableWriter {
  let batch: { table: TableName; values: unknown[][] } | undefined;

  async function flush(): Promise<void> {
    if (!batch) return;
    const { table, values } = batch;
    batch = undefined;
    const fields = insertFields(table);
    const rows = values.map((_, r) => `(${fields.map((_, i) => `$${r * fields.length + i + 1}`).join(', ')})`);
    await client.query(`INSERT INTO ${table} (${fields.map(column).join(', ')}) VALUES ${rows.join(', ')}`, values.flat());
  }

  return {
    count: (table) => count(client, table),
    async clear() {
      await client.query(`TRUNCATE ${TABLES.join(', ')} RESTART IDENTITY`);
    },
    async insert(table, row) {
      const fields = insertFields(table);
      const values = fields.map((field) => toColumn(field, (row as Record<string, unknown>)[field]));
      if (batch && batch.table !== table) await flush();
      if (!BATCHED.has(table)) {
        const placeholders = fields.map((_, i) => `$${i + 1}`).join(', ');
        const returning = table === 'users' ? ' RETURNING id' : '';
        const { rows } = await client.query<{ id: number }>(`INSERT INTO ${table} (${fields.map(column).join(', ')}) VALUES (${placeholders})${returning}`, values);
        return rows[0]?.id;
      }
      batch ??= { table, values: [] };
      batch.values.push(values);
      if (batch.values.length >= BATCH) await flush();
      return undefined;
    },
    flush,
  };
}

function toRecord(row: Record<string, unknown>): Record<string, unknown> {
  return Buffer.isBuffer(row.blob) ? { ...row, blob: row.blob.toString('base64') } : row;
}

function toColumn(field: string, value: unknown): unknown {
  return field === 'blob' ? Buffer.from(value as string, 'base64') : value;
}
