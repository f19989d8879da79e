import { describe, expect, it } from 'vitest';
import { createAuthority, type WorkerPort } from '../../src/cluster/authority.js';
import type { PrimaryMessage, WorkerMessage } from '../../src/cluster/protocol.js';
import { parseConfig } from '../../src/config.js';

/** A worker's end of the channel that keeps what the primary sent it. */
function worker(id: number): WorkerPort & { got: PrimaryMessage[]; events: () => string[] } {
  const got: PrimaryMessage[] = [];
  return {
    id,
    got,
    send: (message) => void got.push(message),
    events: () =>
      got.flatMap((m) => (m.t === 'room' ? m.events.map((e) => (e.type === 'message' ? `${e.message.kind}` : `${e.type}`)) : [])),
  };
}

function setUp(connection: Record<string, number> = { max_nodes: 2, max_per_ip: 2, max_unauthenticated: 2 }, now = () => 5) {
  const authority = createAuthority(parseConfig({ connection }), now);
  const [a, b] = [worker(1), worker(2)];
  authority.addWorker(a);
  authority.addWorker(b);
  let id = 1;
  const ask = (from: WorkerPort, op: string, args: unknown): unknown => {
    const asked = id++;
    authority.handle(from.id, { t: 'ask', id: asked, op, args } as WorkerMessage);
    const reply = (from as ReturnType<typeof worker>).got.find((m) => m.t === 'reply' && m.id === asked);
    return reply && reply.t === 'reply' ? reply.value : undefined;
  };
  const tell = (from: WorkerPort, op: string, args: unknown) => authority.handle(from.id, { t: 'tell', op, args } as WorkerMessage);
  const join = (from: WorkerPort, userId: string, handle: string) =>
    ask(from, 'join', { participant: { userId, handle, joinedAt: 1 }, capacity: 3 }) as { ok: boolean; seat?: string };
  return { authority, a, b, ask, tell, join };
}

describe('the primary’s authority', () => {
  it('counts nodes and connections across workers', () => {
    const { a, b, ask } = setUp();
    expect(ask(a, 'acquire', { handle: 'alice', remote: 'x', since: 1 })).toBe(1);
    expect(ask(b, 'acquire', { handle: 'bob', remote: 'y', since: 1 })).toBe(2);
    expect(ask(a, 'acquire', { handle: 'carol', remote: 'z', since: 1 })).toBeNull();
    expect(ask(a, 'connect', { address: '10.0.0.1' })).toMatchObject({ ok: true });
    expect(ask(b, 'connect', { address: '10.0.0.1' })).toMatchObject({ ok: true });
    expect(ask(a, 'connect', { address: '10.0.0.1' })).toEqual({ ok: false, code: 'max_per_ip' });
  });

  it('holds an address to its pre-login share across workers, an IPv6 /64 as one address', () => {
    const { a, b, ask } = setUp({ max_per_ip: 8, max_unauthenticated: 8, max_unauthenticated_per_ip: 2 });
    expect(ask(a, 'connect', { address: '2001:db8::1' })).toMatchObject({ ok: true });
    expect(ask(b, 'connect', { address: '2001:db8::2' })).toMatchObject({ ok: true });
    expect(ask(a, 'connect', { address: '2001:db8::3' })).toEqual({ ok: false, code: 'pre_login_per_ip' });
    expect(ask(b, 'connect', { address: '2001:db8:0:1::1' })).toMatchObject({ ok: true });
  });

  it('makes room by telling the worker that holds the oldest silent connection to drop it', () => {
    const { a, b, ask, tell } = setUp({ max_unauthenticated: 2 });
    const silent = ask(a, 'connect', { address: '10.0.0.1' }) as { id: number };
    const talking = ask(b, 'connect', { address: '10.0.0.2' }) as { id: number };
    tell(b, 'versionSeen', { id: talking.id });
    expect(ask(b, 'connect', { address: '10.0.0.3' })).toMatchObject({ ok: true });
    expect(a.got).toContainEqual({ t: 'drop', id: silent.id, code: 'evicted' });
    expect(b.got.some((m) => m.t === 'drop')).toBe(false);
  });

  it('drops a connection silent past the version-line deadline on the worker holding it, once', () => {
    let t = 0;
    const { authority, a, b, ask, tell } = setUp({ version_seconds: 5 }, () => t);
    const silent = ask(b, 'connect', { address: '10.0.0.1' }) as { id: number };
    const talking = ask(a, 'connect', { address: '10.0.0.2' }) as { id: number };
    tell(a, 'versionSeen', { id: talking.id });
    t = 5000;
    authority.expire();
    authority.expire();
    expect(b.got.filter((m) => m.t === 'drop')).toEqual([{ t: 'drop', id: silent.id, code: 'no_version' }]);
    expect(a.got.some((m) => m.t === 'drop')).toBe(false);
  });

  it('shares the registration pool across workers', () => {
    const { a, b, ask } = setUp({ max_registering: 1, max_registering_per_ip: 1 });
    const first = ask(a, 'connect', { address: '10.0.0.1' }) as { id: number };
    const second = ask(b, 'connect', { address: '10.0.0.2' }) as { id: number };
    expect(ask(a, 'newcomer', { id: first.id })).toEqual({ ok: true });
    expect(ask(b, 'newcomer', { id: second.id })).toEqual({ ok: false, code: 'registration_full' });
  });

  it('locks out a handle on every worker after failures reported by any', () => {
    const { a, b, ask, tell } = setUp();
    for (let i = 0; i < 5; i++) tell(a, 'loginFailure', { handle: 'alice', address: '10.0.0.9' });
    expect(ask(b, 'lockedFor', { handle: 'ALICE', address: '10.0.0.9' })).toBeGreaterThan(0);
  });

  it('delays further guesses at an account from any address, on every worker', () => {
    const { a, b, ask, tell } = setUp();
    for (let i = 0; i < 5; i++) tell(i % 2 ? a : b, 'loginFailure', { handle: 'alice', address: `10.0.${i}.9` });
    expect(ask(b, 'lockedFor', { handle: 'alice', address: '10.0.0.8' })).toBeGreaterThan(0);
    expect(ask(a, 'lockedFor', { handle: 'bob', address: '10.0.0.8' })).toBe(0);
  });

  it('tells the worker holding an account to end that session when another worker claims it', () => {
    const { a, b, tell } = setUp();
    tell(a, 'claim', { userId: 7, key: 11 });
    tell(b, 'claim', { userId: 7, key: 3 });
    expect(a.got).toContainEqual({ t: 'end', key: 11 });
    expect(b.got.some((m) => m.t === 'end')).toBe(false);
  });

  it('gives back what a dead worker held, and the others hear its callers leave once', () => {
    const { authority, a, b, ask, tell, join } = setUp();
    join(a, 'u1', 'alice');
    join(b, 'u2', 'bob');
    ask(a, 'acquire', { handle: 'alice', remote: 'x', since: 1 });
    ask(b, 'acquire', { handle: 'bob', remote: 'y', since: 1 });
    const conn = ask(a, 'connect', { address: '10.0.0.1' }) as { id: number };
    tell(a, 'claim', { userId: 1, key: 1 });
    b.got.length = 0;

    expect(authority.removeWorker(a.id)).toEqual({ seats: 1, nodes: 1 });
    expect(authority.removeWorker(a.id)).toEqual({ seats: 0, nodes: 0 });
    expect(b.events()).toEqual(['left', 'leave']);
    expect(authority.nodesInUse()).toBe(1);
    // The dead worker's late reports change nothing.
    tell(a, 'closed', { id: conn.id });
    expect(ask(b, 'acquire', { handle: 'carol', remote: 'z', since: 1 })).toBe(1);
    const c = worker(3);
    authority.addWorker(c);
    expect(c.got).toEqual([{ t: 'room', events: [{ type: 'joined', participant: expect.objectContaining({ handle: 'bob' }) }] }]);
  });

  it('relays a presence change to every worker and keeps it for a worker that starts later', () => {
    const { authority, a, b, tell, join } = setUp();
    const { seat } = join(a, 'u1', 'alice');
    tell(a, 'update', { userId: 'u1', seat, change: { away: { reason: 'lunch', since: 3 }, pagerOff: null } });
    tell(a, 'update', { userId: 'u1', seat: 'old', change: { sysop: true } });
    const updated = { type: 'updated', userId: 'u1', seat, change: { away: { reason: 'lunch', since: 3 }, pagerOff: null } };
    for (const w of [a, b]) expect(w.got.at(-1)).toEqual({ t: 'room', events: [updated] });
    const c = worker(3);
    authority.addWorker(c);
    const [joined] = c.got.flatMap((m) => (m.t === 'room' ? m.events : []));
    expect(joined).toEqual({ type: 'joined', participant: expect.objectContaining({ handle: 'alice', away: { reason: 'lunch', since: 3 } }) });
    expect(joined?.type === 'joined' && joined.participant).not.toHaveProperty('sysop');
    expect(joined?.type === 'joined' && joined.participant).not.toHaveProperty('pagerOff');
  });

  it('relays who waits outside the full room, tells a later worker, and forgets those of a dead worker', () => {
    const { authority, a, b, tell } = setUp();
    tell(b, 'wait', { userId: 'u2', handle: 'bob' });
    expect(a.got.at(-1)).toEqual({ t: 'room', events: [{ type: 'waiting', userId: 'u2', handle: 'bob' }] });
    const c = worker(3);
    authority.addWorker(c);
    expect(c.got).toEqual([{ t: 'room', events: [{ type: 'waiting', userId: 'u2', handle: 'bob' }] }]);
    // Only the worker that put them outside can stop their wait.
    tell(a, 'stopWaiting', { userId: 'u2' });
    expect(c.got).toHaveLength(1);
    authority.removeWorker(b.id);
    expect(c.got.at(-1)).toEqual({ t: 'room', events: [{ type: 'stopped-waiting', userId: 'u2' }] });
  });

  it('relays a line for one caller to every worker', () => {
    const { a, b, tell } = setUp();
    tell(a, 'notify', { userId: 'u2', text: 'You are muted', at: 4 });
    for (const w of [a, b]) expect(w.got.at(-1)).toEqual({ t: 'room', events: [{ type: 'notice', userId: 'u2', text: 'You are muted', at: 4 }] });
  });

  it('moves an account’s seat to the later join and ignores the old seat’s leave', () => {
    const { a, b, tell, join } = setUp();
    const first = join(a, 'u1', 'alice');
    join(b, 'u1', 'alice');
    tell(a, 'leave', { userId: 'u1', seat: first.seat, at: 2 });
    expect(b.events()).toEqual(['joined', 'join', 'left', 'leave', 'joined', 'join']);
  });
});
