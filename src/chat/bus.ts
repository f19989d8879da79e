/**
 * The seam between a room and the other instances of the board: it carries messages and presence.
 * ChatManager publishes every message here and asks it for a seat; what the bus hands back (the
 * messages, who joined, whose presence changed, who left) is what every room delivers, in one order for all of them. The
 * seat is decided once, wherever the authority lives: in this process (the default), in the
 * primary process of a board with workers, or in a shared store. Asking for a seat is therefore
 * asynchronous; hearing the room is not.
 */

import type { ChatMessage } from './messages.js';
import { Roster, type Participant, type PresenceChange, type RoomEvent, type SeatResult } from './roster.js';

export type BusHandler = (event: RoomEvent) => void;

export interface ChatBus {
  publish(message: ChatMessage): void;
  /**
   * Take a seat (capacity and handle uniqueness are decided by the authority). On success every
   * room hears 'joined' and the join announcement before the promise settles.
   */
  join(participant: Participant, capacity: number): Promise<SeatResult>;
  /** Give the seat back: every room hears 'left' and the announcement, once. */
  leave(userId: string, seat: string, at: number): void;
  /** A seated participant's presence changed: every room hears 'updated' (a late one, the current record). */
  update(userId: string, seat: string, change: PresenceChange): void;
  /** Kept outside a full room: every room hears 'waiting', so private lines reach them from anywhere. */
  wait(userId: string, handle: string): void;
  stopWaiting(userId: string): void;
  /** A line to one caller: the room they listen on hears 'notice'. */
  notify(userId: string, text: string, at: number): void;
  /** Returns the unsubscribe function. Handlers must not throw (ChatManager's never does). */
  subscribe(handler: BusHandler): () => void;
}

/** An ordered fan-out: an event raised while another is being handed out waits its turn. */
export function createFanOut(): { emit(events: RoomEvent[]): void; subscribe(handler: BusHandler): () => void } {
  const handlers = new Set<BusHandler>();
  const queue: RoomEvent[] = [];
  let handing = false;
  return {
    emit(events) {
      queue.push(...events);
      if (handing) return;
      handing = true;
      try {
        for (let next = queue.shift(); next; next = queue.shift()) {
          for (const handler of [...handlers]) if (handlers.has(handler)) handler(next);
        }
      } finally {
        handing = false;
      }
    },
    subscribe(handler) {
      const entry: BusHandler = (event) => handler(event);
      handlers.add(entry);
      return () => {
        handlers.delete(entry);
      };
    },
  };
}

/** Rooms in one process: the roster is here and events are handed back at once. */
export function createInProcessBus(): ChatBus {
  const roster = new Roster();
  const fanOut = createFanOut();
  return {
    publish: (message) => fanOut.emit([{ type: 'message', message }]),
    join(participant, capacity) {
      const { result, events } = roster.seat(participant, capacity);
      fanOut.emit(events);
      return Promise.resolve(result);
    },
    leave: (userId, seat, at) => fanOut.emit(roster.unseat(userId, seat, at)),
    update: (userId, seat, change) => fanOut.emit(roster.update(userId, seat, change)),
    wait: (userId, handle) => fanOut.emit(roster.wait(userId, handle)),
    stopWaiting: (userId) => fanOut.emit(roster.stopWaiting(userId)),
    notify: (userId, text, at) => fanOut.emit([{ type: 'notice', userId, text, at }]),
    subscribe: fanOut.subscribe,
  };
}
