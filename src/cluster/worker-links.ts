/**
 * A worker's side of the seam: the room bus, the lines, the admission authority and the login
 * counters as BoardLinks, each a question or a report to the primary over the IPC channel. Room
 * events come back in the primary's one order and are handed to this process's room.
 */
import { createFanOut } from '../chat/bus.js';
import type { BoardLinks } from '../board.js';
import type { CallerHandle } from '../nodes/lines.js';
import type { ConnId, RefusalCode } from '../ssh/admission.js';
import type { AskName, Asks, PrimaryMessage, TellName, Tells, WorkerMessage } from './protocol.js';

/** The IPC channel to the primary (process.send / process.on('message') in a worker). */
export interface PrimaryPort {
  send(message: WorkerMessage): void;
  onMessage(listener: (message: PrimaryMessage) => void): void;
}

export function createWorkerLinks(port: PrimaryPort, maxNodes: number): BoardLinks {
  const fanOut = createFanOut();
  const pending = new Map<number, (value: unknown) => void>();
  const sessions = new Map<number, CallerHandle>();
  const keys = new Map<CallerHandle, number>();
  let drop: (id: ConnId, code: RefusalCode) => void = () => undefined;
  let nextId = 1;

  function ask<K extends AskName>(op: K, args: Asks[K]['args']): Promise<Asks[K]['answer']> {
    const id = nextId++;
    return new Promise((resolve) => {
      pending.set(id, resolve as (value: unknown) => void);
      port.send({ t: 'ask', id, op, args } as WorkerMessage);
    });
  }
  const tell = <K extends TellName>(op: K, args: Tells[K]) => port.send({ t: 'tell', op, args } as WorkerMessage);

  port.onMessage((message) => {
    if (message.t === 'reply') {
      const resolve = pending.get(message.id);
      pending.delete(message.id);
      resolve?.(message.value);
    } else if (message.t === 'room') {
      fanOut.emit(message.events);
    } else if (message.t === 'end') {
      const removal = message.removal;
      sessions.get(message.key)?.end(removal?.reason ?? 'replaced', removal?.text, removal?.notice);
    } else if (message.t === 'drop') {
      drop(message.id, message.code);
    }
  });

  return {
    bus: {
      publish: (message) => tell('publish', message),
      join: (participant, capacity) => ask('join', { participant, capacity }),
      leave: (userId, seat, at) => tell('leave', { userId, seat, at }),
      update: (userId, seat, change) => tell('update', { userId, seat, change }),
      wait: (userId, handle) => tell('wait', { userId, handle }),
      stopWaiting: (userId) => tell('stopWaiting', { userId }),
      notify: (userId, text, at) => tell('notify', { userId, text, at }),
      subscribe: fanOut.subscribe,
    },
    lines: {
      maxNodes,
      acquire: async (holder) => (await ask('acquire', holder)) ?? undefined,
      inUse: () => ask('inUse', {}),
      release: (node) => tell('release', { node }),
      claimAccount(userId, caller) {
        const key = keys.get(caller) ?? nextId++;
        keys.set(caller, key);
        sessions.set(key, caller);
        tell('claim', { userId, key });
      },
      releaseAccount(userId, caller) {
        const key = keys.get(caller);
        if (key === undefined) return;
        keys.delete(caller);
        sessions.delete(key);
        tell('unclaim', { userId, key });
      },
      removeAccount: (userId, removal) => tell('remove', { userId, removal }),
    },
    counts: {
      connect: (address) => ask('connect', { address }),
      versionSeen: (id) => tell('versionSeen', { id }),
      authenticated: (id) => tell('authenticated', { id }),
      newcomer: (id) => ask('newcomer', { id }),
      admitted: (id) => tell('admitted', { id }),
      registered: (id) => tell('registered', { id }),
      closed: (id) => tell('closed', { id }),
      onDrop(listener) {
        drop = listener;
      },
      // The version-line sweep runs in the primary.
      stop: () => undefined,
    },
    logins: {
      lockedFor: (handle, address) => ask('lockedFor', { handle, address }),
      recordFailure: (handle, address) => tell('loginFailure', { handle, address }),
      recordSuccess: (handle, address) => tell('loginSuccess', { handle, address }),
    },
  };
}
