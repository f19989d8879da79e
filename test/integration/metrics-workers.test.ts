/**
 * The metrics of a board with two workers, served by the primary: callers on both workers talk,
 * one fails to log in, two connections are turned away, and one scrape shows the board's totals —
 * lines counted once (every worker hears every line), the state gauges once, the workers' counters
 * added up, and each process's memory under its own `process` label.
 * The real entry point runs with server.workers: 2; callers are real ssh2 clients.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { expectOneLeft, scrape } from '../helpers/metrics.js';
import { connectCaller, connectClient, type Caller } from '../helpers/caller.js';
import { startWorkerBoard, type WorkerBoard } from '../helpers/workers.js';

const PASSWORD = 'correct horse battery';
const WAIT_MS = 20_000;
const poll = { timeout: WAIT_MS, interval: 100 };
let board: WorkerBoard | undefined;
const callers: Caller[] = [];

afterEach(async () => {
  for (const caller of callers.splice(0)) caller.client.destroy();
  await board?.close();
  board = undefined;
});


async function enter(handle: string): Promise<Caller> {
  const caller = await connectCaller(board!.port, { username: handle, password: PASSWORD });
  caller.client.on('error', () => undefined);
  callers.push(caller);
  await caller.waitFor(`*** ${handle} has joined the chat ***`, WAIT_MS);
  await expect.poll(() => board!.workerOf(handle), poll).toBeDefined();
  return caller;
}

/** A connection over max_per_ip: the board sends its version line and closes it. */
const refused = (port: number) =>
  new Promise<void>((resolve) => net.connect(port, '127.0.0.1').on('close', () => resolve()).on('error', () => undefined).resume());

describe('metrics of a board with two workers', () => {
  it('are served by the primary: lines and gauges once for the board, counters summed over the workers', async () => {
    const config = 'bbs:\n  name: Test BBS\nconnection:\n  max_per_ip: 2\nmetrics:\n  enabled: true\n  listen: 127.0.0.1:0\n';
    board = await startWorkerBoard({ workers: 2, config, users: ['alice', 'bob'], password: PASSWORD });
    const line = await board.process.waitForLog((l) => String(l.msg).startsWith('metrics on'));
    const port = line.port as number;
    const value = async (name: string) => (await scrape(port)).get(name);

    const before = await scrape(port);
    expect(before.get('bbs_nodes')).toBe(16);
    expect(before.get('bbs_room_members')).toBe(0);
    expect(before.get('bbs_room_messages_total{kind="public"}')).toBe(0);

    await expect(connectClient(board.port, { username: 'bob', password: 'not the password' })).rejects.toThrow(/authentication/i);
    const alice = await enter('alice');
    const bob = await enter('bob');
    expect(board.workerOf('alice')).not.toBe(board.workerOf('bob'));

    alice.type('hello bob\r');
    await bob.waitFor('alice: hello bob', WAIT_MS);
    bob.type('hello alice\r');
    await alice.waitFor('bob: hello alice', WAIT_MS);
    await refused(board.port);
    await refused(board.port);

    await expect.poll(() => value('bbs_room_messages_total{kind="public"}'), poll).toBe(2);
    await expect.poll(() => value('bbs_connections_refused_total{reason="max_per_ip"}'), poll).toBe(2);
    const seen = await scrape(port);
    expect(seen.get('bbs_room_messages_total{kind="join"}')).toBe(2);
    expect(seen.get('bbs_room_members')).toBe(2);
    expect(seen.get('bbs_nodes_in_use')).toBe(2);
    expect(seen.get('bbs_connections')).toBe(2);
    // The client tries its password by more than one method; the workers log each failure.
    const failures = board.process.lines.filter((l) => l.msg === 'login failed' && l.method !== 'publickey').length;
    expect(failures).toBeGreaterThanOrEqual(1);
    expect(seen.get('bbs_login_failures_total{reason="password"}')).toBe(failures);
    // Each worker times its own screens' share of each line.
    expect(seen.get('bbs_fanout_seconds_count')).toBeGreaterThanOrEqual(2);
    const memory = [...seen.keys()].filter((name) => name.startsWith('process_resident_memory_bytes{'));
    expect(memory.sort()).toEqual(['process_resident_memory_bytes{process="primary"}', 'process_resident_memory_bytes{process="worker1"}', 'process_resident_memory_bytes{process="worker2"}']);

    await expectOneLeft(port, bob, WAIT_MS);
  });
});
