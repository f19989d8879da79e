/** CommunityStore on a real SQLite file: bans that end, waiting-message limits, kicks, cascades. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DirectMessage } from '../../src/chat/messages.js';
import { createSqliteAccountAdmin } from '../../src/store/account-admin.js';
import { SqliteCommunityStore } from '../../src/store/community.js';
import { openDatabase, type Database } from '../../src/store/db.js';
import { createPasswordHasher } from '../../src/store/passwords.js';
import type { AccountAdmin, CommunityStore } from '../../src/store/store.js';
import { SqliteUserStore } from '../../src/store/users.js';

let folder: string;
let db: Database;
let clock: number;
let community: CommunityStore;
let admin: AccountAdmin;
let ids: Record<string, number>;

beforeEach(async () => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'bbs-community-'));
  db = openDatabase(folder);
  clock = 1_700_000_000_000;
  const users = new SqliteUserStore(db, createPasswordHasher({ maxConcurrent: 2 }), { now: () => clock });
  ids = {};
  for (const handle of ['alice', 'bob', 'carol']) ids[handle] = (await users.create({ handle, password: 'correct horse battery' })).id;
  community = new SqliteCommunityStore(db, () => clock);
  admin = createSqliteAccountAdmin(db);
});

afterEach(() => {
  db.close();
  fs.rmSync(folder, { recursive: true, force: true });
});

const note = (from: string, to: string, text: string): DirectMessage => ({ kind: 'direct', from, to, text, at: clock });

describe('bans', () => {
  it('keep their reason, end and maker, and lift themselves once ended', async () => {
    await community.ban(ids.bob!, { until: clock + 60_000, reason: 'spam', by: 'SysOp' });
    expect(await community.activeBan(ids.bob!)).toEqual({ until: clock + 60_000, reason: 'spam', by: 'SysOp' });
    clock += 60_000;
    expect(await community.activeBan(ids.bob!)).toBeUndefined();
    expect(db.prepare('SELECT banned FROM users WHERE id = ?').pluck().get(ids.bob)).toBe(0);
  });

  it('without an end last until lifted', async () => {
    await community.ban(ids.bob!, { until: null, reason: '', by: 'cli' });
    clock += 10 * 365 * 86_400_000;
    expect(await community.activeBan(ids.bob!)).toEqual({ until: null, reason: '', by: 'cli' });
    await community.unban(ids.bob!);
    expect(await community.activeBan(ids.bob!)).toBeUndefined();
  });
});

describe('waiting messages', () => {
  const limits = { perSender: 2, perRecipient: 3 };

  it('are kept within the limits per sender and per recipient, and taken once, oldest first', async () => {
    expect(await community.leaveMessage(ids.carol!, ids.alice!, note('alice', 'carol', 'one'), limits)).toBe('stored');
    expect(await community.leaveMessage(ids.carol!, ids.alice!, note('alice', 'carol', 'two'), limits)).toBe('stored');
    expect(await community.leaveMessage(ids.carol!, ids.alice!, note('alice', 'carol', 'three'), limits)).toBe('sender-limit');
    expect(await community.leaveMessage(ids.carol!, ids.bob!, note('bob', 'carol', 'four'), limits)).toBe('stored');
    expect(await community.leaveMessage(ids.carol!, ids.bob!, note('bob', 'carol', 'five'), limits)).toBe('recipient-limit');
    expect((await community.takeWaiting(ids.carol!)).map((w) => (w.message as DirectMessage).text)).toEqual(['one', 'two', 'four']);
    expect(await community.takeWaiting(ids.carol!)).toEqual([]);
  });

  it('go when the recipient or the sender is deleted', async () => {
    await community.leaveMessage(ids.carol!, ids.alice!, note('alice', 'carol', 'for carol'), limits);
    await community.leaveMessage(ids.alice!, ids.bob!, note('bob', 'alice', 'from bob'), limits);
    await admin.deleteUser('carol');
    await admin.deleteUser('bob');
    expect(db.prepare('SELECT count(*) FROM waiting_messages').pluck().get()).toBe(0);
  });
});

describe('ignores, pager, zone, rename', () => {
  it('are kept per account and follow a rename', async () => {
    await community.setIgnored(ids.alice!, ids.bob!, true);
    await community.setIgnored(ids.alice!, ids.bob!, true);
    await community.setPagerOff(ids.alice!, true);
    await community.setTimeZone(ids.alice!, 'Asia/Tokyo');
    await admin.renameUser('bob', 'Robert');
    expect(await community.ignored(ids.alice!)).toEqual(['Robert']);
    expect(await community.pagerOff(ids.alice!)).toBe(true);
    expect(await community.timeZone(ids.alice!)).toBe('Asia/Tokyo');
    await community.setIgnored(ids.alice!, ids.bob!, false);
    expect(await community.ignored(ids.alice!)).toEqual([]);
  });
});

describe('kicks and open calls', () => {
  it('a kick counts only for the call it was asked for, and is used up', async () => {
    await community.requestKick(ids.bob!, { by: 'cli', reason: 'old' });
    clock += 1000;
    const calls = [{ userId: ids.bob!, since: clock }];
    expect(await community.takeKicks(calls)).toEqual(new Map());
    await community.requestKick(ids.bob!, { by: 'cli', reason: 'now' });
    expect(await community.takeKicks(calls)).toEqual(new Map([[ids.bob!, { by: 'cli', reason: 'now' }]]));
    expect(await community.takeKicks(calls)).toEqual(new Map());
  });

  it('lists calls heard from lately, and not one whose board went quiet', async () => {
    const call = (user: number, node: number) =>
      Number(db.prepare('INSERT INTO calls (user_id, node, remote, started_at) VALUES (?, ?, ?, ?)').run(user, node, '127.0.0.1', clock).lastInsertRowid);
    const alive = call(ids.alice!, 1);
    call(ids.bob!, 2);
    clock += 60_000;
    await community.touchCalls([alive]);
    clock += 60_000;
    expect((await community.openCalls(90_000)).map((c) => c.handle)).toEqual(['alice']);
  });
});
