/**
 * The Prometheus endpoint of a real board, scraped over HTTP while callers connect, talk, fail to
 * log in and are turned away: every number a sysop graphs moves the way the board's state does.
 */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { connectClient } from '../helpers/caller.js';
import { expectOneLeft, scrape } from '../helpers/metrics.js';
import { useRoom, WAIT_MS } from '../helpers/room.js';

const room = useRoom();

const poll = { timeout: WAIT_MS, interval: 50 };

describe('metrics', () => {
  it('move with a conversation: callers, nodes, room members, lines, fan-out, failed logins, refusals', async () => {
    const board = await room.start({ metrics: { enabled: true, listen: '127.0.0.1:0' }, connection: { max_per_ip: 2 } });
    const port = board.board.metricsAddress()?.port as number;
    expect(board.board.metricsAddress()?.address).toBe('127.0.0.1');
    const value = async (name: string) => (await scrape(port)).get(name);

    const before = await scrape(port);
    expect(before.get('bbs_connections')).toBe(0);
    expect(before.get('bbs_nodes_in_use')).toBe(0);
    expect(before.get('bbs_nodes')).toBe(16);
    expect(before.get('bbs_room_members')).toBe(0);
    expect(before.get('bbs_room_messages_total{kind="public"}')).toBe(0);
    expect(before.get('bbs_login_failures_total{reason="password"}')).toBe(0);
    expect(before.get('bbs_connections_refused_total{reason="max_per_ip"}')).toBe(0);
    expect(before.get('nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(before.get('process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(before.get('nodejs_heap_size_used_bytes')).toBeGreaterThan(0);

    await room.addUsers(['alice', 'bob']);
    const alice = await room.enter('alice');
    await expect(connectClient(board.port, { username: 'bob', password: 'not the password' })).rejects.toThrow(/authentication/i);
    await expect.poll(() => value('bbs_login_failures_total{reason="password"}'), poll).toBeGreaterThanOrEqual(1);

    const bob = await room.enter('bob');
    await expect.poll(() => value('bbs_room_members'), poll).toBe(2);
    const seated = await scrape(port);
    expect(seated.get('bbs_nodes_in_use')).toBe(2);
    expect(seated.get('bbs_connections')).toBe(2);

    alice.type('hello bob\r');
    bob.type('hello alice\r');
    await bob.sees('alice: hello bob');
    await alice.sees('bob: hello alice');
    await expect.poll(() => value('bbs_room_messages_total{kind="public"}'), poll).toBe(2);
    expect(await value('bbs_fanout_seconds_count')).toBeGreaterThanOrEqual(2);
    expect(await value('bbs_fanout_seconds_sum')).toBeGreaterThan(0);

    // A third connection from 127.0.0.1 is over max_per_ip: sent the board's version line (so an SSH
    // client could be told why), then closed; this one reads it and says nothing.
    await new Promise<void>((resolve) => net.connect(board.port, '127.0.0.1').on('close', () => resolve()).on('error', () => undefined).resume());
    await expect.poll(() => value('bbs_connections_refused_total{reason="max_per_ip"}'), poll).toBe(1);

    await expectOneLeft(port, bob, WAIT_MS);
  });

  it('are off by default, and the endpoint serves only /metrics', async () => {
    const off = await room.start();
    expect(off.board.metricsAddress()).toBeUndefined();
    const on = await room.start({ metrics: { enabled: true, listen: '127.0.0.1:0' } });
    const port = on.board.metricsAddress()?.port as number;
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${port}/metrics`, { method: 'POST' })).status).toBe(404);
  });
});
