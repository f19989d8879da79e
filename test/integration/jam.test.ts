/**
 * The front door on a bad day, bounded in count and time, all on loopback: 300 silent sockets from
 * 50 addresses, each re-opened as soon as it is dropped, and 16 registration forms from 16 more
 * addresses. Real callers from yet another address must still get in. (How fast they get in is
 * measured, not asserted: set BBS_JAM_REPORT=1 to print the login times.)
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startBoard, type TestBoard } from '../helpers/board.js';
import { connectCaller, type Caller } from '../helpers/caller.js';

const PASSWORD = 'correct horse battery';
const SILENT_ADDRESSES = 50;
const SILENT_PER_ADDRESS = 6;
const FORMS = 16;
const LOGINS = 10;

let board: TestBoard | undefined;
let jamming = false;
const sockets = new Set<net.Socket>();
const callers: Caller[] = [];

afterEach(async () => {
  jamming = false;
  for (const socket of sockets) socket.destroy();
  for (const caller of callers.splice(0)) caller.end();
  await board?.close();
  board = undefined;
});

/** A socket that never speaks and, once dropped, comes straight back. */
function jam(port: number, localAddress: string): void {
  if (!jamming) return;
  const socket = net.connect({ port, host: '127.0.0.1', localAddress });
  sockets.add(socket);
  socket.on('error', () => undefined);
  socket.resume();
  socket.once('close', () => {
    sockets.delete(socket);
    setImmediate(() => jam(port, localAddress));
  });
}

/**
 * A newcomer who calls again when dropped before logging in, as a person would: while the jam
 * fills the pre-login pool, room is made by dropping a connection still logging in (by design, as
 * OpenSSH's MaxStartups does), and that may be a form that has not logged in yet. Once logged in
 * it is in the registration pool and no longer dropped.
 */
async function openForm(port: number, localAddress: string, tries = 3): Promise<Caller> {
  try {
    return await connectCaller(port, { username: 'new', localAddress });
  } catch (err) {
    if (tries <= 1) throw err;
    return openForm(port, localAddress, tries - 1);
  }
}

describe('a jammed front door', () => {
  it('still lets 9 of 10 real logins in past 300 silent sockets and 16 registration forms', { timeout: 120_000 }, async () => {
    board = await startBoard();
    await board.board.users.create({ handle: 'alice', password: PASSWORD });
    jamming = true;
    for (let a = 1; a <= SILENT_ADDRESSES; a++) for (let i = 0; i < SILENT_PER_ADDRESS; i++) jam(board.port, `127.0.10.${a}`);
    const forms = await Promise.all(Array.from({ length: FORMS }, (_, i) => openForm(board!.port, `127.0.11.${i + 1}`)));
    callers.push(...forms);
    await Promise.all(forms.map((form) => form.waitFor(/Handle|Too many people are registering/)));
    // The jam is real: the pre-login pool is full of silent sockets, and more keep coming.
    await expect.poll(() => board!.board.connectionCount()).toBeGreaterThanOrEqual(board.config.connection.max_unauthenticated);
    await expect.poll(() => board!.logs().some((l) => l.reason === 'pre_login_per_ip')).toBe(true);

    const times: number[] = [];
    let failures = 0;
    for (let i = 0; i < LOGINS; i++) {
      const started = performance.now();
      try {
        const alice = await connectCaller(board.port, { username: 'alice', password: PASSWORD, localAddress: '127.0.12.1' });
        callers.push(alice);
        await alice.waitFor(/node \d|Node \d/, 10_000);
        times.push(Math.round(performance.now() - started));
        alice.end();
        await alice.closed;
      } catch {
        failures += 1;
      }
    }
    const refusals = board.logs().filter((l) => l.msg === 'connection refused').length;
    if (process.env.BBS_JAM_REPORT) console.info(JSON.stringify({ times, failures, connections: board.board.connectionCount(), refusals }));
    expect(failures).toBeLessThanOrEqual(1);
    expect(forms.filter((f) => /Handle/.test(f.screen()))).toHaveLength(board.config.connection.max_registering);
  });
});
