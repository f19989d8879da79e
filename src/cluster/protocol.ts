/**
 * What the primary process and its workers say to each other over the IPC channel (JSON). A
 * worker asks (`ask`, answered by a `reply` with the same id) when it needs a decision — a seat, a
 * node, a place for a connection or in the registration pool, a lockout — and tells (`tell`) when it only reports. The primary sends
 * every room event to every worker in one order, and tells a worker to end a session taken over
 * by a later login of the same account, or to drop a connection the admission policy gave up on.
 */
import type { ChatMessage } from '../chat/messages.js';
import type { MetricsSnapshot } from '../metrics/telemetry.js';
import type { Participant, PresenceChange, RoomEvent, SeatResult } from '../chat/roster.js';
import type { Removal } from '../nodes/lines.js';
import type { NodeHolder } from '../nodes/node-manager.js';
import type { ConnId, Decision, RefusalCode } from '../ssh/admission.js';
import type { Admitted } from '../ssh/connection-caps.js';

/** Questions, with what they carry and what the answer is. */
export interface Asks {
  join: { args: { participant: Participant; capacity: number }; answer: SeatResult };
  acquire: { args: NodeHolder; answer: number | null };
  inUse: { args: Record<string, never>; answer: number };
  connect: { args: { address: string }; answer: Admitted };
  newcomer: { args: { id: ConnId }; answer: Decision };
  lockedFor: { args: { handle: string; address: string }; answer: number };
}

/** Reports, with what they carry. */
export interface Tells {
  publish: ChatMessage;
  leave: { userId: string; seat: string; at: number };
  update: { userId: string; seat: string; change: PresenceChange };
  wait: { userId: string; handle: string };
  stopWaiting: { userId: string };
  notify: { userId: string; text: string; at: number };
  release: { node: number };
  claim: { userId: number; key: number };
  unclaim: { userId: number; key: number };
  remove: { userId: number; removal: Removal };
  versionSeen: { id: ConnId };
  authenticated: { id: ConnId };
  admitted: { id: ConnId };
  registered: { id: ConnId };
  closed: { id: ConnId };
  loginFailure: { handle: string; address: string };
  loginSuccess: { handle: string; address: string };
}

export type AskName = keyof Asks;
export type TellName = keyof Tells;

export type WorkerMessage =
  | { [K in AskName]: { t: 'ask'; id: number; op: K; args: Asks[K]['args'] } }[AskName]
  | { [K in TellName]: { t: 'tell'; op: K; args: Tells[K] } }[TellName]
  /** instance: its id in Redis, when the workers are instances of a board shared through it. */
  | { t: 'ready'; instance?: string }
  /** This worker's metrics, asked for by a scrape of the primary's endpoint. */
  | { t: 'metrics'; id: number; snapshot: MetricsSnapshot }
  /** The worker could not start (the port is taken, …): the one line a sysop should read. */
  | { t: 'failed'; message: string };

export type PrimaryMessage =
  | { t: 'reply'; id: number; value: unknown }
  | { t: 'room'; events: RoomEvent[] }
  /** End this session: taken over by a later login (no reason), or kicked or banned by a sysop. */
  | { t: 'end'; key: number; removal?: Removal }
  /** Drop this connection (the authority made room from it, or it stayed silent too long). */
  | { t: 'drop'; id: ConnId; code: RefusalCode }
  /** Send your metrics (a scrape is waiting). */
  | { t: 'metrics'; id: number }
  | { t: 'shutdown' };
