/**
 * What only a server database must get right, on a real PostgreSQL: several board instances (each
 * its own Stores) on one database, history appends issued without waiting landing in call order,
 * and a server that is gone or goes away giving a clear error instead of a crash.
 */
import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import type { ChatMessage } from '../../src/chat/messages.js';
import { createPasswordHasher } from '../../src/store/passwords.js';
import { openPostgresStores, type PostgresStores } from '../../src/store/postgres/open.js';
import { usePostgresDatabase, withClient } from '../helpers/postgres.js';

const database = usePostgresDatabase();
const hasher = createPasswordHasher({ maxConcurrent: 2 });
const POOL = { size: 4, connectTimeoutMs: 2000, statementTimeoutMs: 5000 };
const opened: PostgresStores[] = [];

async function instance(url = database.url): Promise<PostgresStores> {
  const stores = await openPostgresStores({ url, hasher, pool: POOL, log: pino({ level: 'silent' }) });
  opened.push(stores);
  return stores;
}

afterEach(async () => {
  for (const stores of opened.splice(0)) await stores.close();
  await withClient(database.url, (client) => client.query('TRUNCATE users, chat_history, sysop_log RESTART IDENTITY CASCADE'));
});

const line = (text: string, at: number): ChatMessage => ({ kind: 'public', from: 'Alice', text, at }) as ChatMessage;

describe('PostgreSQL stores shared by several instances', () => {
  it('keep history appends in call order when no one waits between them', async () => {
    const stores = await instance();
    const texts = Array.from({ length: 60 }, (_, i) => `line ${i}`);
    await Promise.all(texts.map((text, i) => stores.history.append(line(text, i))));
    const loaded = await stores.history.load(100);
    expect(loaded.map((m) => (m as { text: string }).text)).toEqual(texts);
  });

  it('wait for pending history appends on close', async () => {
    const stores = await instance();
    for (let i = 0; i < 20; i++) void stores.history.append(line(`late ${i}`, i));
    await stores.close();
    const again = await instance();
    expect(await again.history.load(50)).toHaveLength(20);
  });

  it('let one instance take each waiting message, and hold the limits across instances', async () => {
    const [a, b] = [await instance(), await instance()];
    const alice = await a.users.create({ handle: 'Alice', password: 'correct horse' });
    const bob = await a.users.create({ handle: 'Bob', password: 'correct horse' });
    const limits = { perSender: 3, perRecipient: 10 };
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).community.leaveMessage(bob.id, alice.id, line(`for bob ${i}`, i), limits)),
    );
    expect(results.filter((r) => r === 'stored')).toHaveLength(3);
    const [fromA, fromB] = await Promise.all([a.community.takeWaiting(bob.id), b.community.takeWaiting(bob.id)]);
    expect(fromA.length + fromB.length).toBe(3);
  });

  it('give a kick asked for on one instance to the one that holds the call, once', async () => {
    const [board, cli] = [await instance(), await instance()];
    const user = await cli.users.create({ handle: 'Carol', password: 'correct horse' });
    await cli.community.requestKick(user.id, { by: 'SysOp', reason: 'enough' });
    const calls = [{ userId: user.id, since: 0 }];
    const taken = await Promise.all([board.community.takeKicks(calls), board.community.takeKicks(calls)]);
    expect(taken.flatMap((found) => [...found.values()])).toEqual([{ by: 'SysOp', reason: 'enough' }]);
  });

  it('refuse a second account with the same handle in another case, registered at once on two instances', async () => {
    const [a, b] = [await instance(), await instance()];
    const results = await Promise.allSettled([a.users.create({ handle: 'Dave', password: 'correct horse' }), b.users.create({ handle: 'DAVE', password: 'correct horse' })]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'ERR_HANDLE_TAKEN' } });
  });
});

describe('PostgreSQL that is not there', () => {
  it('stops opening with one sentence naming the database without its password', async () => {
    const url = new URL(database.url);
    url.port = '1';
    url.password = 'hunter2hunter2';
    const opening = instance(url.toString());
    await expect(opening).rejects.toMatchObject({ code: 'ERR_DB_OPEN' });
    const message = await opening.catch((err: Error) => err.message);
    expect(message).toMatch(/^Cannot open the database PostgreSQL postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\//);
    expect(message).not.toContain('hunter2');
  });

  it('says what is missing for a database that does not exist', async () => {
    const url = new URL(database.url);
    url.pathname = '/no_such_database';
    await expect(instance(url.toString())).rejects.toThrow(/no such database/);
  });

  it('survives its connections being cut, and serves again on new ones', async () => {
    const stores = await instance();
    await stores.users.create({ handle: 'Erin', password: 'correct horse' });
    await withClient(database.url, (client) =>
      client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()'),
    );
    await expect.poll(async () => (await stores.users.findByHandle('erin').catch(() => undefined))?.handle).toBe('Erin');
  });
});
