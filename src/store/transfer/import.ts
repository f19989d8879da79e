/**
 * `bbs import`: the portable file of format.ts into a database, in one transaction: all of it or
 * nothing. Only into an empty database unless `replace` (which empties it first, in the same
 * transaction). Every row gets a new id from the target; the ids that point at users are remapped
 * as the rows arrive (users come first in the file), and rows go in in file order, so history,
 * waiting messages and the logs keep their order. Every line is checked; a bad one stops the
 * import with its line number, and a file that ends before its header's counts is refused.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { z } from 'zod';
import { StoreError } from '../errors.js';
import { EXPORT_FORMAT, EXPORT_VERSION, HEADER, LINE, RECORDS, TABLES, USER_REFERENCES, emptyCounts, type Counts, type Header } from './format.js';
import type { BoardTables, TableWriter } from './tables.js';

export interface ImportOptions {
  /** Empty the database first instead of refusing one that holds anything. */
  replace?: boolean;
}

export interface ImportResult {
  header: Header;
  counts: Counts;
}

export async function importBoard(tables: BoardTables, file: string, options: ImportOptions = {}): Promise<ImportResult> {
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity })[Symbol.asyncIterator]();
  try {
    const first = await lines.next();
    const header = parseHeader(first.done ? undefined : first.value);
    const counts = await tables.write(async (writer) => {
      await makeRoom(writer, options.replace ?? false);
      return copyRows(lines, writer, header);
    });
    return { header, counts };
  } finally {
    await lines.return?.();
  }
}

async function makeRoom(writer: TableWriter, replace: boolean): Promise<void> {
  if (replace) return writer.clear();
  for (const table of TABLES) {
    const rows = await writer.count(table);
    if (rows > 0) {
      throw new StoreError('ERR_BAD_INPUT', `The target database is not empty (${table}: ${rows} rows). Import into an empty one, or add --replace to empty it first.`);
    }
  }
}

async function copyRows(lines: AsyncIterator<string>, writer: TableWriter, header: Header): Promise<Counts> {
  const counts = emptyCounts();
  const userIds = new Map<number, number>();
  let tableIndex = 0;
  for (let lineNo = 2; ; lineNo++) {
    const next = await lines.next();
    if (next.done) break;
    if (next.value.trim() === '') continue;
    const bad = (problem: string) => new StoreError('ERR_BAD_INPUT', `Line ${lineNo} of the file: ${problem}`);
    const { t: table, r } = parse(LINE, next.value, bad);
    const index = TABLES.indexOf(table);
    if (index < tableIndex) throw bad(`${table} rows after ${TABLES[tableIndex]} rows: the file is out of order.`);
    tableIndex = index;
    const row = parse<Record<string, unknown>>(RECORDS[table] as z.ZodType<Record<string, unknown>>, r, (problem) => bad(`${table}: ${problem}`));
    for (const field of USER_REFERENCES[table] as string[]) {
      const mapped = userIds.get(row[field] as number);
      if (mapped === undefined) throw bad(`${table}.${field} ${String(row[field])} is no user in the file.`);
      row[field] = mapped;
    }
    const id = await writer.insert(table, row as never).catch((err: Error) => {
      // A row the database refuses (a handle or key twice in the file): said with its line.
      throw bad(`${table}: ${err.message}`);
    });
    if (table === 'users') userIds.set(row.id as number, id as number);
    counts[table] += 1;
  }
  await writer.flush();
  const short = TABLES.filter((t) => counts[t] !== header.counts[t]);
  if (short.length > 0) {
    const detail = short.map((t) => `${t}: ${counts[t]} of ${header.counts[t]}`).join(', ');
    throw new StoreError('ERR_BAD_INPUT', `The file does not hold what its header counts (${detail}): it may be cut short. Nothing was imported.`);
  }
  return counts;
}

function parseHeader(line: string | undefined): Header {
  const bad = (problem: string) => new StoreError('ERR_BAD_INPUT', `That is not an ssh-bbs export file: ${problem}`);
  if (line === undefined) throw bad('it is empty.');
  const header = parse(HEADER.partial({ counts: true, exported_at: true, source: true }), line, bad);
  if (header.format !== EXPORT_FORMAT) throw bad('its first line names another format.');
  if (header.version !== EXPORT_VERSION) {
    throw new StoreError('ERR_BAD_INPUT', `The file is in export format version ${header.version}; this ssh-bbs reads version ${EXPORT_VERSION}.`);
  }
  return parse(HEADER, line, bad);
}

/** JSON text (or an already parsed value) checked against a schema; the first problem as a sentence. */
function parse<T>(schema: z.ZodType<T>, input: unknown, bad: (problem: string) => StoreError): T {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch {
      throw bad('not JSON.');
    }
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw bad(`${issue.path.map(String).join('.') || 'the line'}: ${issue.message}`);
  }
  return result.data;
}
