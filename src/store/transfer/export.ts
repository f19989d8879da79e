/**
 * `bbs export`: a whole board into the portable file of format.ts. The file holds password hashes,
 * so it is made 0600, and never over an existing file; a failed export removes what it wrote.
 */
import { once } from 'node:events';
import { createWriteStream, rmSync, type WriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { EXPORT_FORMAT, EXPORT_VERSION, TABLES, emptyCounts, type Counts, type Header } from './format.js';
import type { BoardTables } from './tables.js';

export interface ExportOptions {
  source: Header['source'];
  now?: () => number;
}

export async function exportBoard(tables: BoardTables, file: string, options: ExportOptions): Promise<Counts> {
  const out = createWriteStream(file, { flags: 'wx', mode: 0o600 });
  await Promise.race([once(out, 'open'), once(out, 'error').then(([err]) => Promise.reject(err as Error))]);
  try {
    const counts = await tables.read(async (reader) => {
      const counts = emptyCounts();
      for (const table of TABLES) counts[table] = await reader.count(table);
      const header: Header = { format: EXPORT_FORMAT, version: EXPORT_VERSION, exported_at: (options.now ?? Date.now)(), source: options.source, counts };
      await write(out, header);
      for (const table of TABLES) {
        for await (const row of reader.rows(table)) await write(out, { t: table, r: row });
      }
      return counts;
    });
    out.end();
    await finished(out);
    return counts;
  } catch (err) {
    out.destroy();
    rmSync(file, { force: true });
    throw err;
  }
}

async function write(out: WriteStream, value: unknown): Promise<void> {
  if (!out.write(`${JSON.stringify(value)}\n`)) await once(out, 'drain');
}
