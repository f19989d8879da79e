import { describe, expect, it } from 'vitest';
import { createInProcessBus } from '../../src/chat/bus.js';
import { ChatManager, type ChatManagerOptions, type HistorySink } from '../../src/chat/chat-manager.js';
import type { ChatMessage } from '../../src/chat/messages.js';

const FULL = 'Chat room is at capacity. Please try again later.';

function makeRoom(options: Partial<ChatManagerOptions> = {}) {
  let time = 1_700_000_000_000;
  const room = new ChatManager({ capacity: 10, now: () => time, ...options });
  return { room, tick: (ms = 1_000) => (time += ms) };
}

/** A listener that remembers what it heard. */
function ear(room: ChatManager, userId?: string) {
  const heard: ChatMessage[] = [];
  const stop = room.subscribe((m) => heard.push(m), userId === undefined ? {} : { userId });
  return { heard, stop };
}

/** A HistorySink kept in an array, with what it held before as the room's initial history. */
function arrayStore(initial: ChatMessage[] = []): { history: HistorySink; initialHistory: ChatMessage[]; saved: ChatMessage[] } {
  const saved = [...initial];
  return { saved, initialHistory: [...initial], history: { append: (m) => void saved.push(m) } };
}

const say = (from: string, text: string, at = 1): ChatMessage => ({ kind: 'public', from, text, at });

describe('ChatManager membership', () => {
  it('refuses a join past capacity with the exact message, and lets one in after a leave', async () => {
    const { room } = makeRoom({ capacity: 2 });
    expect(await room.join('u1', 'alice')).toEqual({ ok: true });
    expect(await room.join('u2', 'bob')).toEqual({ ok: true });
    expect(await room.join('u3', 'carol')).toEqual({ ok: false, error: FULL });
    expect(room.isInChat('u3')).toBe(false);
    room.leave('u1');
    expect(await room.join('u3', 'carol')).toEqual({ ok: true });
    expect(room.participantCount()).toBe(2);
  });

  it('treats a second join as a no-op: one participant, one announcement', async () => {
    const { room } = makeRoom({ capacity: 1 });
    const { heard } = ear(room);
    expect(await room.join('u1', 'alice')).toEqual({ ok: true });
    expect(await room.join('u1', 'alice')).toEqual({ ok: true });
    expect(room.participantCount()).toBe(1);
    expect(heard.filter((m) => m.kind === 'join')).toHaveLength(1);
  });

  it('announces a join and a leave once each, stamped by the clock', async () => {
    const { room, tick } = makeRoom();
    const { heard } = ear(room);
    await room.join('u1', 'alice');
    const joinedAt = room.now();
    tick();
    room.leave('u1');
    room.leave('u1');
    room.leave('nobody');
    expect(heard).toEqual([
      { kind: 'join', handle: 'alice', at: joinedAt },
      { kind: 'leave', handle: 'alice', at: joinedAt + 1_000 },
    ]);
    expect(room.isInChat('u1')).toBe(false);
  });

  it('lists participants in join order with node and join time', async () => {
    const { room, tick } = makeRoom();
    await room.join('u2', 'bob', { node: 2 });
    tick();
    await room.join('u1', 'alice', { node: 1 });
    await room.join('u3', 'carol');
    expect(room.participants().map((p) => [p.handle, p.node])).toEqual([
      ['bob', 2],
      ['alice', 1],
      ['carol', undefined],
    ]);
    expect(room.participant('u1')).toEqual({ userId: 'u1', handle: 'alice', node: 1, joinedAt: room.now(), seat: expect.any(String) });
  });

  it('hands out copies: changing them changes nothing', async () => {
    const { room } = makeRoom();
    await room.join('u1', 'alice');
    const [first] = room.participants();
    if (first) first.handle = 'mallory';
    expect(room.participant('u1')?.handle).toBe('alice');
  });

  it.each(['alice', 'ALICE', 'Alice', 'aLiCe'])('finds %s whatever the case', async (typed) => {
    const { room } = makeRoom();
    await room.join('u1', 'Alice');
    expect(room.userIdForHandle(typed)).toBe('u1');
    expect(room.participantByHandle(typed)?.handle).toBe('Alice');
  });

  it('forgets a handle once its owner leaves', async () => {
    const { room } = makeRoom();
    await room.join('u1', 'alice');
    room.leave('u1');
    expect(room.userIdForHandle('alice')).toBeUndefined();
  });

  it('refuses a second participant with the same handle in another case', async () => {
    const { room } = makeRoom();
    await room.join('u1', 'alice');
    expect(await room.join('u2', 'ALICE')).toEqual({ ok: false, error: 'Someone called ALICE is already in the room.' });
  });

  it.each(['a', 'bad handle', 'x\u001b[31m', ''])('refuses the invalid handle %j', async (handle) => {
    const { room } = makeRoom();
    expect(await room.join('u1', handle)).toEqual({ ok: false, error: 'That handle cannot be used in the chat.' });
  });
});

describe('ChatManager delivery', () => {
  async function roomOfThree() {
    const made = makeRoom();
    await made.room.join('u1', 'alice');
    await made.room.join('u2', 'bob');
    await made.room.join('u3', 'carol');
    return {
      ...made,
      alice: ear(made.room, 'u1'),
      bob: ear(made.room, 'u2'),
      carol: ear(made.room, 'u3'),
      lurker: ear(made.room),
    };
  }

  it('broadcasts room traffic to every listener', async () => {
    const { room, alice, bob, carol, lurker } = await roomOfThree();
    room.broadcast(say('alice', 'hi all'));
    for (const listener of [alice, bob, carol, lurker]) expect(listener.heard).toEqual([say('alice', 'hi all')]);
  });

  it.each<[string, ChatMessage]>([
    ['a direct message', { kind: 'direct', from: 'alice', to: 'bob', text: 'psst', at: 1 }],
    ['a page', { kind: 'page', from: 'alice', to: 'bob', at: 1 }],
    ['a direct message addressed in another case', { kind: 'direct', from: 'ALICE', to: 'Bob', text: 'x', at: 1 }],
  ])('hands %s to its two parties only', async (_name, message) => {
    const { room, alice, bob, carol, lurker } = await roomOfThree();
    room.broadcast(message);
    expect(alice.heard).toEqual([message]);
    expect(bob.heard).toEqual([message]);
    expect(carol.heard).toEqual([]);
    expect(lurker.heard).toEqual([]);
  });

  it('hands a private message to no one when its receiver is not in the room', async () => {
    const { room, alice, carol } = await roomOfThree();
    room.leave('u2');
    alice.heard.length = carol.heard.length = 0;
    room.broadcast({ kind: 'direct', from: 'carol', to: 'bob', text: 'hello?', at: 1 });
    expect(alice.heard).toEqual([]);
    expect(carol.heard).toHaveLength(1);
  });

  it('is fine with no listeners at all', async () => {
    const { room } = makeRoom();
    expect(() => room.broadcast(say('alice', 'anyone?'))).not.toThrow();
  });

  it('stops delivering after unsubscribe; unsubscribing twice is fine', async () => {
    const { room } = makeRoom();
    const { heard, stop } = ear(room);
    room.broadcast(say('a1', 'one'));
    stop();
    stop();
    room.broadcast(say('a1', 'two'));
    expect(heard).toEqual([say('a1', 'one')]);
  });

  it('keeps delivering when a listener throws, and reports the error', async () => {
    const errors: unknown[] = [];
    const { room } = makeRoom({ onListenerError: (error) => errors.push(error) });
    const before = ear(room);
    room.subscribe(() => {
      throw new Error('broken screen');
    });
    const after = ear(room);
    room.broadcast(say('alice', 'still here'));
    expect(before.heard).toHaveLength(1);
    expect(after.heard).toHaveLength(1);
    expect(errors).toEqual([new Error('broken screen')]);
  });

  it('keeps delivering when a listener throws and no error handler is set', async () => {
    const { room } = makeRoom();
    room.subscribe(() => {
      throw new Error('broken');
    });
    const after = ear(room);
    room.broadcast(say('alice', 'x'));
    expect(after.heard).toHaveLength(1);
  });

  it('does not deliver to a listener unsubscribed by an earlier one during the same message', async () => {
    const { room } = makeRoom();
    let stopSecond = () => {};
    room.subscribe(() => stopSecond());
    const second = ear(room);
    stopSecond = second.stop;
    room.broadcast(say('alice', 'x'));
    expect(second.heard).toEqual([]);
  });

  it('delivers a message sent from inside a listener after the current one, to everyone in order', async () => {
    const { room } = makeRoom();
    room.subscribe((m) => {
      if (m.kind === 'public' && m.text === 'ping') room.broadcast(say('bot', 'pong'));
    });
    const later = ear(room);
    room.broadcast(say('alice', 'ping'));
    expect(later.heard.map((m) => (m.kind === 'public' ? m.text : m.kind))).toEqual(['ping', 'pong']);
  });
});

describe('ChatManager history', () => {
  const official: ChatMessage = { kind: 'system', text: 'Back soon', official: true, from: 'SysOp', at: 1 };
  const unofficial: ChatMessage = { kind: 'system', text: 'local', official: false, at: 1 };
  const action: ChatMessage = { kind: 'action', from: 'bob', text: 'waves', at: 1 };
  const direct: ChatMessage = { kind: 'direct', from: 'alice', to: 'bob', text: 'secret', at: 1 };
  const page: ChatMessage = { kind: 'page', from: 'alice', to: 'bob', at: 1 };

  it('keeps public lines, actions and official announcements — never private or local ones', async () => {
    const { room } = makeRoom();
    await room.join('u1', 'alice');
    await room.join('u2', 'bob');
    for (const m of [say('alice', 'hi'), action, official, unofficial, direct, page]) room.broadcast(m);
    room.leave('u2');
    expect(room.recentHistory()).toEqual([say('alice', 'hi'), action, official]);
  });

  it('keeps only the last historyLimit messages', async () => {
    const { room } = makeRoom({ historyLimit: 3 });
    for (const text of ['1', '2', '3', '4', '5']) room.broadcast(say('alice', text));
    expect(room.recentHistory()).toEqual([say('alice', '3'), say('alice', '4'), say('alice', '5')]);
  });

  it('defaults to 50 messages', async () => {
    const { room } = makeRoom();
    for (let i = 0; i < 60; i++) room.broadcast(say('alice', String(i)));
    expect(room.recentHistory()).toHaveLength(50);
    expect(room.recentHistory()[0]).toEqual(say('alice', '10'));
  });

  it('keeps nothing with historyLimit 0 and does not touch the store', async () => {
    const store = arrayStore([say('old', 'x')]);
    const { room } = makeRoom({ historyLimit: 0, ...store });
    room.broadcast(say('alice', 'hi'));
    expect(room.recentHistory()).toEqual([]);
    expect(store.saved).toEqual([say('old', 'x')]);
  });

  it('starts from the store, keeping only replayable messages up to the limit', async () => {
    const store = arrayStore([say('a', '1'), direct, say('a', '2'), page, say('a', '3'), say('a', '4')]);
    const { room } = makeRoom({ historyLimit: 2, ...store });
    expect(room.recentHistory()).toEqual([say('a', '3'), say('a', '4')]);
  });

  it('appends each new replayable message to the store, and nothing else', async () => {
    const store = arrayStore();
    const { room } = makeRoom({ ...store });
    await room.join('u1', 'alice');
    await room.join('u2', 'bob');
    for (const m of [say('alice', 'hi'), direct, page, unofficial, action, official]) room.broadcast(m);
    room.leave('u1');
    expect(store.saved).toEqual([say('alice', 'hi'), action, official]);
  });

  it('delivers a message even when the store fails, and reports the failure', async () => {
    const failures: unknown[] = [];
    const store: HistorySink = {
      append: () => {
        throw Object.assign(new Error('disk full'), { code: 'SQLITE_FULL' });
      },
    };
    const { room } = makeRoom({ history: store, onHistoryError: (error) => failures.push(error) });
    const { heard } = ear(room);
    room.broadcast(say('alice', 'hi'));
    expect(heard).toEqual([say('alice', 'hi')]);
    expect(room.recentHistory()).toEqual([say('alice', 'hi')]);
    expect(failures).toHaveLength(1);
  });

  it('hands out a copy', async () => {
    const { room } = makeRoom();
    room.broadcast(say('alice', 'hi'));
    room.recentHistory().length = 0;
    expect(room.recentHistory()).toHaveLength(1);
  });
});

describe('ChatManager on a shared bus', () => {
  function twoInstances() {
    const bus = createInProcessBus();
    const storeA = arrayStore();
    const storeB = arrayStore();
    const a = new ChatManager({ capacity: 5, now: () => 1, bus, ...storeA });
    const b = new ChatManager({ capacity: 5, now: () => 1, bus, ...storeB });
    return { a, b, storeA, storeB };
  }

  it('shares room traffic between instances, stored once by the instance it was said on', async () => {
    const { a, b, storeA, storeB } = twoInstances();
    const onB = ear(b);
    a.broadcast(say('alice', 'hello from A'));
    expect(onB.heard).toEqual([say('alice', 'hello from A')]);
    expect(b.recentHistory()).toEqual([say('alice', 'hello from A')]);
    expect(storeA.saved).toHaveLength(1);
    expect(storeB.saved).toHaveLength(0);
  });

  it('hands a private message to its parties on whichever instance they are', async () => {
    const { a, b } = twoInstances();
    await a.join('u1', 'alice');
    await b.join('u2', 'bob');
    await b.join('u3', 'carol');
    const alice = ear(a, 'u1');
    const bob = ear(b, 'u2');
    const carol = ear(b, 'u3');
    const message: ChatMessage = { kind: 'direct', from: 'alice', to: 'bob', text: 'across', at: 1 };
    a.broadcast(message);
    expect(alice.heard).toEqual([message]);
    expect(bob.heard).toEqual([message]);
    expect(carol.heard).toEqual([]);
  });

  it('stops hearing the bus after close', async () => {
    const { a, b } = twoInstances();
    const onB = ear(b);
    b.close();
    a.broadcast(say('alice', 'gone?'));
    expect(onB.heard).toEqual([]);
  });
});
