/**
 * The connection caps — total, per address, and not yet on a node — counted where the front
 * door's authority lives: in this process, or in the primary process of a board with workers
 * (then the answer comes over IPC, and later from a shared store). A ticket stands for one
 * counted connection, so its close is never counted twice.
 */
import type { ConnectionConfig } from '../config.js';
import type { RefusalReason } from '../metrics/board-metrics.js';

/** A connection counted by the caps, or the cap that refused it. */
export type Admission = { ok: true; ticket: number } | { ok: false; reason: RefusalReason };

/** What the front door asks of the caps, wherever they are counted. */
export interface ConnectionCounts {
  admit(address: string): Admission | Promise<Admission>;
  /** The caller now holds a node: they no longer count against the not-yet-on-a-node cap. */
  onNode(ticket: number): void;
  closed(ticket: number): void;
}

/** The caps where they are counted: the answer is at hand. */
export interface ConnectionCaps extends ConnectionCounts {
  admit(address: string): Admission;
}

export function createConnectionCaps(deps: { connection: ConnectionConfig }): ConnectionCaps {
  /** ticket → address */
  const sockets = new Map<number, string>();
  const perAddress = new Map<string, number>();
  const notOnNode = new Set<number>();
  let nextTicket = 1;

  function refuse(address: string): RefusalReason | undefined {
    if (sockets.size >= deps.connection.max_connections) return 'max_connections';
    if ((perAddress.get(address) ?? 0) >= deps.connection.max_per_ip) return 'max_per_ip';
    if (notOnNode.size >= deps.connection.max_unauthenticated) return 'max_unauthenticated';
    return undefined;
  }

  return {
    admit(address) {
      const reason = refuse(address);
      if (reason) return { ok: false, reason };
      const ticket = nextTicket++;
      sockets.set(ticket, address);
      notOnNode.add(ticket);
      perAddress.set(address, (perAddress.get(address) ?? 0) + 1);
      return { ok: true, ticket };
    },
    onNode: (ticket) => void notOnNode.delete(ticket),
    closed(ticket) {
      const address = sockets.get(ticket);
      if (address === undefined) return;
      sockets.delete(ticket);
      notOnNode.delete(ticket);
      const left = (perAddress.get(address) ?? 1) - 1;
      if (left > 0) perAddress.set(address, left);
      else perAddress.delete(address);
    },
  };
}
