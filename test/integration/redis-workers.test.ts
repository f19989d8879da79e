/**
 * An instance with workers on a board shared through Redis: each worker is an instance in Redis,
 * and the primary gives a dead worker's seats, nodes and sessions back at once — not after the
 * worker's heartbeat expires (here 3 × 60 s, far past the test's wait) — and every room hears each
 * of its callers leave once. The primary's metrics read the shared board's counts from Redis.
 * Real board processes on one real redis-server, real ssh2 callers.
 */
import { describe, expect, it } from 'vitest';
import { scrape } from '../helpers/metrics.js';
import { useRedisBoard } from '../helpers/redis-board.js';
import { occurrences } from '../helpers/room.js';

const PASSWORD = 'correct horse battery';
const WAIT_MS = 20_000;
const USERS = ['alice', 'bob', 'carol', 'dave'];
const shared = useRedisBoard(PASSWORD, WAIT_MS);
const { call, enter } = shared;

describe('an instance with workers on a board shared through Redis', () => {
  it("gives back a worker's callers as soon as it is killed, heard once on every instance", async () => {
    const config = 'connection:\n  max_nodes: 3\nroom:\n  heartbeat_seconds: 60\nmetrics:\n  enabled: true\n  listen: 127.0.0.1:0\n';
    const board = await shared.start({ count: 0, config, users: USERS });
    const withWorkers = await board.add({ BBS_WORKERS: '2' });
    await board.add();
    const lines = withWorkers.process.lines;
    await expect.poll(() => lines.filter((l) => l.msg === 'room shared through Redis').length).toBe(2);
    const metricsPort = (await withWorkers.process.waitForLog((l) => String(l.msg).startsWith('metrics on'))).port as number;
    const workerOf = (handle: string) => lines.filter((l) => l.msg === 'on node' && l.handle === handle).at(-1)?.pid as number | undefined;

    const alice = await enter(0, 'alice');
    const bob = await enter(0, 'bob');
    const carol = await enter(1, 'carol');
    await expect.poll(() => workerOf('bob')).toBeDefined();
    expect(workerOf('alice')).not.toBe(workerOf('bob'));
    await expect.poll(async () => (await scrape(metricsPort)).get('bbs_room_members'), { timeout: WAIT_MS }).toBe(3);
    expect((await scrape(metricsPort)).get('bbs_nodes_in_use')).toBe(3);

    process.kill(workerOf('alice')!, 'SIGKILL');
    await alice.closed;
    await Promise.all([carol.waitFor('*** alice has left the chat ***', WAIT_MS), bob.waitFor('*** alice has left the chat ***', WAIT_MS)]);
    const freed = await withWorkers.process.waitForLog((l) => l.msg === "gave back the dead worker's callers in Redis");
    expect(freed).toMatchObject({ seats: 1, nodes: 1 });

    // Her node is free at once: a fourth caller gets a line out of three.
    const dave = await call(1, 'dave');
    await dave.waitFor('*** dave has joined the chat ***', WAIT_MS);
    carol.type('/who\r');
    await carol.waitFor(/In the room \(3\):/, WAIT_MS);
    expect(carol.screen()).not.toMatch(/alice +node/);
    const scraped = await scrape(metricsPort);
    expect(scraped.get('bbs_room_members')).toBe(3);
    expect(scraped.get('bbs_room_messages_total{kind="leave"}')).toBe(1);
    expect(occurrences(carol.screen(), '*** alice has left the chat ***')).toBe(1);
    expect(occurrences(bob.screen(), '*** alice has left the chat ***')).toBe(1);
  });
});
