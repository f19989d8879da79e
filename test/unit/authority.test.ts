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

function setUp(connection = { max_nodes: 2, max_per_ip: 2, max_unauthenticated: 2 }) {
  const authority = createAuthority(parseConfig({ connection }), () => 5);
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
  it('counts nodes and connection caps across workers', () => {
    const { a, b, ask } = setUp();
    expect(ask(a, 'acquire', { handle: 'alice', remote: 'x', since: 1 })).toBe(1);
    expect(ask(b, 'acquire', { handle: 'bob', remote: 'y', since: 1 })).toBe(2);
    expect(ask(a, 'acquire', { handle: 'carol', remote: 'z', since: 1 })).toBeNull();
    expect(ask(a, 'admit', { address: '10.0.0.1' })).toMatchObject({ ok: true });
    expect(ask(b, 'admit', { address: '10.0.0.1' })).toMatchObject({ ok: true });
    expect(ask(a, 'admit', { address: '10.0.0.1' })).toEqual({ ok: false, reason: 'max_per_ip' });
  });

  it('locks out a handle on every worker after failures reported by any', () => {
    const { a, b, ask, tell } = setUp();
    for (let i = 0; i < 5; i++) tell(a, 'loginFailure', { handle: 'alice', address: '10.0.0.9' });
    expect(ask(b, 'lockedFor', { handle: 'ALICE', address: '10.0.0.9' })).toBeGreaterThan(0);
    expect(ask(b, 'lockedFor', { handle: 'alice', address: '10.0.0.8' })).toBe(0);
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
    const ticket = ask(a, 'admit', { address: '10.0.0.1' }) as { ticket: number };
    tell(a, 'claim', { userId: 1, key: 1 });
    b.got.length = 0;

    expect(authority.removeWorker(a.id)).toEqual({ seats: 1, nodes: 1 });
    expect(authority.removeWorker(a.id)).toEqual({ seats: 0, nodes: 0 });
    expect(b.events()).toEqual(['left', 'leave']);
    expect(authority.nodesInUse()).toBe(1);
    // The dead worker's late reports change nothing.
    tell(a, 'closed', ticket);
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
