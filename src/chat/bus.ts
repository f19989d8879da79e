/**
 * The seam between a room and the other instances of the board. ChatManager publishes every
 * message here and delivers what the bus hands back, so a bus that crosses processes (Redis) lets
 * several instances share one room. The in-process bus, the default, just hands messages back.
 */

import type { ChatMessage } from './messages.js';

export type BusHandler = (message: ChatMessage) => void;

export interface ChatBus {
  publish(message: ChatMessage): void;
  /** Returns the unsubscribe function. Handlers must not throw (ChatManager's never does). */
  subscribe(handler: BusHandler): () => void;
}

export function createInProcessBus(): ChatBus {
  const handlers = new Set<BusHandler>();
  // A message published while another is being handed out (a listener that answers, or leaves)
  // waits its turn, so every handler sees every message in the same order.
  const queue: ChatMessage[] = [];
  let handing = false;
  return {
    publish(message) {
      queue.push(message);
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
      const entry: BusHandler = (message) => handler(message);
      handlers.add(entry);
      return () => {
        handlers.delete(entry);
      };
    },
  };
}
