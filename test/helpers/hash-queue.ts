/**
 * Keeps a board's queue of password checks full from inside: one check running, several waiting;
 * each that ends is replaced until stopped, so the queue is still full whenever a login's
 * handshake gets there. The store's own verifyPassword is what a login uses too.
 */
import type { TestBoard } from './board.js';

export function fillHashQueue(board: TestBoard, handle: string): { stop(): Promise<void> } {
  let stopped = false;
  const busy: Array<Promise<unknown>> = [];
  const check = (): Promise<unknown> => board.board.users.verifyPassword(handle, 'not it at all').then(() => stopped || void busy.push(check()));
  for (let i = 0; i < 8; i++) busy.push(check());
  return {
    async stop() {
      stopped = true;
      await Promise.all(busy);
    },
  };
}
