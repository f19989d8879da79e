import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../src/chat/messages.js';
import { openDatabase, type Database } from '../../src/store/db.js';
import { createSqliteHistoryStore as createHistoryStore } from '../../src/store/history.js';
import { HISTORY_ROWS_KEPT } from '../../src/store/store.js';

let dir: string;
let db: Database;

const said = (n: number): ChatMessage => ({ kind: 'public', at: 1_700_000_000_000 + n, from: 'bob', text: `line ${n}` });
const rowCount = () => db.prepare('SELECT COUNT(*) FROM chat_history').pluck().get() as number;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bbs-history-'));
  db = openDatabase(dir);
});

afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('createHistoryStore', () => {
  it('starts empty', async () => {
    expect(await createHistoryStore(db).load(50)).toEqual([]);
  });

  it('returns what was appended, oldest first, every kind intact', async () => {
    const history = createHistoryStore(db);
    const messages: ChatMessage[] = [
      said(1),
      { kind: 'action', at: 2, from: 'bob', text: 'waves' },
      { kind: 'system', at: 3, text: 'Board closes at midnight', official: true, from: 'SysOp' },
    ];
    messages.forEach((m) => history.append(m));
    expect(await history.load(10)).toEqual(messages);
  });

  it.each([
    [3, [8, 9, 10]],
    [1, [10]],
    [0, []],
    [-5, []],
    [100, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]],
  ])('load(%i) gives the newest messages, oldest first', async (limit, expected) => {
    const history = createHistoryStore(db);
    for (let n = 1; n <= 10; n++) history.append(said(n));
    expect(await history.load(limit)).toEqual(expected.map(said));
  });

  it('survives a reopen of the database', async () => {
    createHistoryStore(db).append(said(1));
    db.close();
    db = openDatabase(dir);
    expect(await createHistoryStore(db).load(5)).toEqual([said(1)]);
  });

  it('skips rows that do not parse', async () => {
    const history = createHistoryStore(db);
    history.append(said(1));
    const insert = db.prepare('INSERT INTO chat_history (at, json) VALUES (?, ?)');
    insert.run(2, '{not json');
    insert.run(3, '"a string"');
    insert.run(4, '{"no":"kind"}');
    history.append(said(5));
    expect(await history.load(10)).toEqual([said(1), said(5)]);
  });

  it(`keeps only about the newest ${HISTORY_ROWS_KEPT} rows`, async () => {
    const history = createHistoryStore(db);
    const total = HISTORY_ROWS_KEPT + 250;
    db.transaction(() => {
      for (let n = 1; n <= total; n++) history.append(said(n));
    })();
    expect(rowCount()).toBeLessThan(HISTORY_ROWS_KEPT + 100);
    const all = await history.load(total);
    expect(all).toHaveLength(HISTORY_ROWS_KEPT);
    expect(all.at(-1)).toEqual(said(total));
    expect(all[0]).toEqual(said(total - HISTORY_ROWS_KEPT + 1));
  });

  it('trims on open, too', async () => {
    const insert = db.prepare('INSERT INTO chat_history (at, json) VALUES (?, ?)');
    for (let n = 1; n <= HISTORY_ROWS_KEPT + 20; n++) insert.run(n, JSON.stringify(said(n)));
    createHistoryStore(db);
    expect(rowCount()).toBe(HISTORY_ROWS_KEPT);
  });
});
