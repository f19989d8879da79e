/**
 * The Redis links on their own, two instances side by side on a real redis-server: counts that
 * both change at once come out exact (Redis decides them, not Node), and a room that subscribes
 * late hears who is already in, with their presence as it is now, and who waits outside.
 */
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkRedis } from '../../src/redis/doctor-check.js';
import { connectRedisLinks, type RedisLinks } from '../../src/redis/redis-links.js';
import type { RoomEvent } from '../../src/chat/roster.js';
import { admissionLimits } from '../../src/ssh/admission.js';
import { createLocalCounts } from '../../src/ssh/connection-caps.js';
import { parseConfig } from '../../src/config.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
const open: RedisLinks[] = [];
const config = parseConfig({ connection: { max_nodes: 3 }, auth: { max_login_attempts: 3 } });
const HOST_KEYS = [{ type: 'ed25519' as const, file: 'k', privateKey: Buffer.from(''), fingerprint: 'SHA256:test', bits: 256 }];

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.close();
});
afterEach(async () => {
  for (const links of open.splice(0)) await links.close();
  await redis.stop();
  await redis.start();
});

async function instance(): Promise<RedisLinks> {
  const links = await connectRedisLinks({
    url: redis.url,
    heartbeatSeconds: 5,
    maxNodes: config.connection.max_nodes,
    auth: config.auth,
    counts: createLocalCounts(admissionLimits(config.connection, config.auth)),
    hostKeys: HOST_KEYS,
    log: pino({ level: 'silent' }),
  });
  open.push(links);
  return links;
}

const participant = (n: number) => ({ userId: String(n), handle: `caller${n}`, joinedAt: 1_700_000_000_000 + n });

describe('Redis links', () => {
  it('seats and nodes asked for at once by two instances never exceed the capacity or max_nodes', async () => {
    const [a, b] = [await instance(), await instance()];
    const joins = await Promise.all(Array.from({ length: 12 }, (_, n) => (n % 2 ? a : b).bus.join(participant(n), 5)));
    expect(joins.filter((r) => r.ok)).toHaveLength(5);
    expect(joins.filter((r) => !r.ok)).toEqual(Array(7).fill({ ok: false, error: 'Chat room is at capacity. Please try again later.' }));
    const nodes = await Promise.all(Array.from({ length: 8 }, (_, n) => (n % 2 ? a : b).lines.acquire({ handle: 'x', remote: 'y', since: 0 })));
    expect(nodes.filter((n) => n !== undefined).sort()).toEqual([1, 2, 3]);
  });

  it('refuses a handle already in the room, whatever its case, on either instance', async () => {
    const [a, b] = [await instance(), await instance()];
    expect(await a.bus.join({ userId: '1', handle: 'Alice', joinedAt: 1 }, 10)).toMatchObject({ ok: true });
    expect(await b.bus.join({ userId: '2', handle: 'alice', joinedAt: 2 }, 10)).toEqual({ ok: false, error: 'Someone called alice is already in the room.' });
  });

  it('a room subscribing late hears who is in first, then what happens', async () => {
    const a = await instance();
    await a.bus.join(participant(1), 10);
    const b = await instance();
    const heard: RoomEvent[] = [];
    b.bus.subscribe((event) => heard.push(event));
    expect(heard).toEqual([{ type: 'joined', participant: expect.objectContaining({ userId: '1', handle: 'caller1' }) }]);
    a.bus.publish({ kind: 'public', from: 'caller1', text: 'hello', at: 5 });
    await expect.poll(() => heard.at(-1)).toEqual({ type: 'message', message: { kind: 'public', from: 'caller1', text: 'hello', at: 5 } });
  });

  it('a room subscribing late hears presence as last changed and who waits outside; a stopped instance lets its waiters go', async () => {
    const a = await instance();
    const seat = await a.bus.join(participant(1), 1);
    if (!seat.ok) throw new Error(seat.error);
    a.bus.update('1', seat.seat, { away: { reason: 'lunch', since: 7 }, pagerOff: true });
    a.bus.update('1', seat.seat, { pagerOff: null });
    a.bus.update('1', 'an old seat', { sysop: true });
    a.bus.wait('2', 'caller2');
    a.bus.notify('1', 'a line for caller1 only', 9);
    const b = await instance();
    const heard: RoomEvent[] = [];
    b.bus.subscribe((event) => heard.push(event));
    const record = { userId: '1', handle: 'caller1', joinedAt: participant(1).joinedAt, seat: seat.seat, away: { reason: 'lunch', since: 7 } };
    expect(heard).toEqual([
      { type: 'joined', participant: record },
      { type: 'waiting', userId: '2', handle: 'caller2' },
    ]);

    a.bus.update('1', seat.seat, { away: null });
    await expect.poll(() => heard.at(-1)).toEqual({ type: 'updated', userId: '1', seat: seat.seat, change: { away: null } });
    b.bus.notify('2', 'the room is full', 10);
    await expect.poll(() => heard.at(-1)).toEqual({ type: 'notice', userId: '2', text: 'the room is full', at: 10 });
    // Another instance's stop does not end a wait it does not hold.
    b.bus.stopWaiting('2');
    await a.close();
    await expect.poll(() => heard.filter((e) => e.type === 'left' || e.type === 'stopped-waiting')).toEqual([
      { type: 'left', userId: '1', seat: seat.seat },
      { type: 'stopped-waiting', userId: '2' },
    ]);
  });

  it('counts the nodes every instance holds', async () => {
    const [a, b] = [await instance(), await instance()];
    const holder = { handle: 'x', remote: 'y', since: 0 };
    await a.lines.acquire(holder);
    const node = await b.lines.acquire(holder);
    expect([await a.lines.inUse(), await b.lines.inUse()]).toEqual([2, 2]);
    b.lines.release(node!);
    await expect.poll(() => a.lines.inUse()).toBe(1);
  });

  it('login failures counted by two instances at once lock the pair on both', async () => {
    const [a, b] = [await instance(), await instance()];
    a.logins.recordFailure('Alice', '10.0.0.1');
    b.logins.recordFailure('alice', '10.0.0.1');
    expect(await a.logins.lockedFor('alice', '10.0.0.1')).toBe(0);
    a.logins.recordFailure('ALICE', '10.0.0.1');
    await expect.poll(() => b.logins.lockedFor('alice', '10.0.0.1')).toBeGreaterThan(14 * 60_000);
    expect(await b.logins.lockedFor('bob', '10.0.0.1')).toBe(0);
    // From elsewhere the account waits only its first delay, never the pair's lockout.
    expect(await b.logins.lockedFor('alice', '10.0.0.2')).toBeLessThanOrEqual(1000);
  });

  it('login failures follow the guard across instances: an IPv6 /64 is one address, and guesses at one account from many addresses wait a doubling delay', async () => {
    const [a, b] = [await instance(), await instance()];
    for (let i = 0; i < 12; i++) (i % 2 ? a : b).logins.recordFailure(`user${i}`, `2001:db8:1:2::${i + 1}`);
    await expect.poll(() => a.logins.lockedFor('somebody-new', '2001:db8:1:2:ffff::1')).toBeGreaterThan(14 * 60_000);
    expect(await a.logins.lockedFor('somebody-new', '2001:db8:1:3::1')).toBe(0);

    // Limit 3: the 3rd failure from anywhere waits 1 s, the 4th 2 s, the 5th 4 s.
    for (let i = 0; i < 5; i++) (i % 2 ? a : b).logins.recordFailure('Carol', `198.51.100.${i}`);
    await expect.poll(() => b.logins.lockedFor('carol', '203.0.113.1')).toBeGreaterThan(2000);
    expect(await a.logins.lockedFor('CAROL', '203.0.113.2')).toBeLessThanOrEqual(4000);
    expect(await a.logins.lockedFor('dave', '203.0.113.2')).toBe(0);
    a.logins.recordSuccess('carol', '192.0.2.1');
    await expect.poll(() => b.logins.lockedFor('carol', '203.0.113.1')).toBe(0);
  });

  it("doctor's check: Redis answers, how many instances run, and whether this machine's host keys are theirs", async () => {
    expect(await checkRedis(redis.url, HOST_KEYS)).toEqual({ status: 'ok', detail: expect.stringMatching(/^Redis [\d.]+ at .+, 0 instances running$/) });
    await instance();
    expect(await checkRedis(redis.url, HOST_KEYS)).toEqual({ status: 'ok', detail: expect.stringMatching(/, 1 instance running$/) });
    const other = [{ ...HOST_KEYS[0]!, fingerprint: 'SHA256:other' }];
    expect(await checkRedis(redis.url, other)).toEqual({ status: 'FAIL', detail: expect.stringMatching(/other host keys than this machine's \(SHA256:test\): copy theirs here$/) });
    expect(await checkRedis(`${redis.url}.missing`, HOST_KEYS)).toEqual({ status: 'FAIL', detail: `cannot reach Redis at ${redis.url}.missing (ENOENT)` });
  });
});
