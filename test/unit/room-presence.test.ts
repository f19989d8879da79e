/**
 * Rooms sharing one bus (as the workers' rooms share the primary's authority): seats, presence
 * changes and callers waiting outside a full room are decided once and heard by every room.
 */
import { describe, expect, it } from 'vitest';
import { createInProcessBus } from '../../src/chat/bus.js';
import { ChatManager } from '../../src/chat/chat-manager.js';
import type { ChatMessage } from '../../src/chat/messages.js';

const FULL = 'Chat room is at capacity. Please try again later.';

/** A listener that remembers what it heard. */
function ear(room: ChatManager, userId?: string) {
  const heard: ChatMessage[] = [];
  room.subscribe((m) => heard.push(m), userId === undefined ? {} : { userId });
  return { heard };
}

describe('ChatManager presence on a shared bus', () => {
  function twoRooms(capacity = 5) {
    const bus = createInProcessBus();
    return { a: new ChatManager({ capacity, now: () => 1, bus }), b: new ChatManager({ capacity, now: () => 1, bus }) };
  }

  it('counts capacity and handles once for every room on the bus', async () => {
    const { a, b } = twoRooms(2);
    await a.join('u1', 'alice');
    expect(await b.join('u2', 'ALICE')).toEqual({ ok: false, error: 'Someone called ALICE is already in the room.' });
    await b.join('u2', 'bob');
    expect(await a.join('u3', 'carol')).toEqual({ ok: false, error: FULL });
    expect(a.participants().map((p) => p.handle)).toEqual(['alice', 'bob']);
    expect(b.participants().map((p) => p.handle)).toEqual(['alice', 'bob']);
  });

  it('moves an account that joins on another room: the old seat leaves once, and its late leave does nothing', async () => {
    const { a, b } = twoRooms();
    const { heard } = ear(b);
    await a.join('u1', 'alice');
    await b.join('u1', 'alice');
    a.leave('u1');
    expect(heard.map((m) => m.kind)).toEqual(['join', 'leave', 'join']);
    expect(b.participants().map((p) => p.handle)).toEqual(['alice']);
    expect(a.isInChat('u1')).toBe(true);
  });

  it('brings a presence change made on one room to every room, and clears a field for all', async () => {
    const { a, b } = twoRooms();
    await a.join('u1', 'alice', { sysop: true });
    await b.join('u2', 'bob');
    expect(b.participant('u1')).toMatchObject({ sysop: true });
    a.updatePresence('u1', { away: { reason: 'lunch', since: 1 }, pagerOff: true });
    expect(b.participant('u1')).toMatchObject({ away: { reason: 'lunch', since: 1 }, pagerOff: true });
    // A sysop on the other room mutes alice: her own room knows it before her next line.
    b.updatePresence('u1', { mutedUntil: 99 });
    expect(a.participant('u1')?.mutedUntil).toBe(99);
    a.updatePresence('u1', { away: undefined });
    expect(b.participant('u1')).not.toHaveProperty('away');
    expect(a.participant('u1')).not.toHaveProperty('away');
  });

  it('tells a room that starts later the current presence, and ignores a change for an old seat', async () => {
    const bus = createInProcessBus();
    const a = new ChatManager({ capacity: 5, now: () => 1, bus });
    await a.join('u1', 'alice');
    a.updatePresence('u1', { away: { reason: 'brb', since: 1 } });
    const late = new ChatManager({ capacity: 5, now: () => 1, bus });
    await late.join('u1', 'alice');
    // The later join took a new seat: the old record (away) is gone everywhere.
    expect(a.participant('u1')).not.toHaveProperty('away');
    expect(late.participant('u1')).not.toHaveProperty('away');
  });

  it('lets every room reach a caller waiting outside the full room on another, until they stop or get in', async () => {
    const { a, b } = twoRooms(1);
    await a.join('u1', 'alice');
    expect(await b.join('u2', 'bob')).toEqual({ ok: false, error: FULL });
    b.waitOutside('u2', 'bob');
    const bob = ear(b, 'u2');
    expect(a.waitingOutside('BOB')).toEqual({ userId: 'u2', handle: 'bob' });
    const message: ChatMessage = { kind: 'direct', from: 'alice', to: 'bob', text: 'hold on', at: 1 };
    a.broadcast(message);
    expect(bob.heard).toEqual([message]);
    expect(a.participantCount()).toBe(1);

    a.leave('u1');
    expect(await b.join('u2', 'bob')).toEqual({ ok: true });
    expect(a.waitingOutside('bob')).toBeUndefined();
    expect(a.participantByHandle('bob')?.userId).toBe('u2');
  });

  it('forgets a caller who stops waiting outside, in every room', async () => {
    const { a, b } = twoRooms(1);
    await a.join('u1', 'alice');
    b.waitOutside('u2', 'bob');
    b.leave('u2');
    expect(a.waitingOutside('bob')).toBeUndefined();
    expect(b.waitingOutside('bob')).toBeUndefined();
  });

  it('hands a line for one caller to their listeners only, in whichever room they listen, and keeps it out of history', async () => {
    const { a, b } = twoRooms();
    await a.join('u1', 'alice');
    await b.join('u2', 'bob');
    const alice = ear(a, 'u1');
    const bob = ear(b, 'u2');
    const anyone = ear(b);
    a.notify('u2', 'You are muted for 5 minutes by alice');
    expect(bob.heard).toEqual([{ kind: 'system', text: 'You are muted for 5 minutes by alice', official: false, at: 1 }]);
    expect(alice.heard).toEqual([]);
    expect(anyone.heard).toEqual([]);
    expect(b.recentHistory()).toEqual([]);
  });
});
