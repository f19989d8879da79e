/**
 * The board's one authority when it runs as several worker processes, held by the primary: the
 * room's roster, the nodes, which session holds each account, the front door's admission policy
 * and the login failure counters — the same policy objects a single process uses, here answering
 * every worker, so per-address shares, the pre-login and registration pools and the per-account
 * login delay hold across workers. It notes what each worker holds, so that a worker that dies
 * gives back exactly its own callers' nodes, seats, accounts and connections, and the room hears
 * each of them leave once; and a connection the policy drops (room made for another, or silent
 * past the version-line deadline) is dropped by the worker holding it.
 */
import { isPrivate, type ChatMessage } from '../chat/messages.js';
import { Roster, type RoomEvent } from '../chat/roster.js';
import type { Config } from '../config.js';
import { ActiveCallers, type CallerHandle } from '../nodes/lines.js';
import { NodeManager } from '../nodes/node-manager.js';
import { LoginGuard } from '../ssh/login-guard.js';
import { admissionLimits, createAdmission, type ConnId, type RefusalCode } from '../ssh/admission.js';
import type { AskName, Asks, PrimaryMessage, TellName, Tells, WorkerMessage } from './protocol.js';

/** A worker as the authority sees it: something to send to. */
export interface WorkerPort {
  readonly id: number;
  send(message: PrimaryMessage): void;
}

interface Holdings {
  port: WorkerPort;
  nodes: Set<number>;
  conns: Set<ConnId>;
  /** userId → seat */
  seats: Map<string, string>;
  /** user ids of its callers waiting outside the full room */
  waiting: Set<string>;
  /** session key → the handle ActiveCallers holds for it, with its account */
  sessions: Map<number, { userId: number; handle: CallerHandle }>;
}

export interface Authority {
  /** A worker joined: it hears who is in the room before anything later. */
  addWorker(port: WorkerPort): void;
  /** A worker's message: answered (to it) or acted on (room events go to every worker). */
  handle(workerId: number, message: WorkerMessage): void;
  /** A worker is gone: give back everything it held; the others hear its callers leave. Returns how many seats that was. */
  removeWorker(workerId: number): { seats: number; nodes: number };
  nodesInUse(): number;
  /** Callers seated in the room, and connections open on the board (for the metrics). */
  roomMembers(): number;
  connections(): number;
  /** Drop the connections past their version-line deadline (the primary calls it now and then). */
  expire(): void;
}

/** onRoomMessage hears each line the room hears, once for the board (the metrics count them). */
export function createAuthority(config: Readonly<Config>, now: () => number = Date.now, onRoomMessage?: (message: ChatMessage) => void): Authority {
  const roster = new Roster();
  const nodes = new NodeManager(config.connection.max_nodes);
  const callers = new ActiveCallers();
  const admission = createAdmission(admissionLimits(config.connection, config.auth), now);
  /** Which worker holds each admitted connection. */
  const owners = new Map<ConnId, Holdings>();
  const guard = new LoginGuard({ maxAttempts: config.auth.max_login_attempts, lockoutMinutes: config.auth.lockout_minutes, now });
  const workers = new Map<number, Holdings>();

  const toEveryone = (events: RoomEvent[]) => {
    if (events.length === 0) return;
    if (onRoomMessage) for (const e of events) if (e.type === 'message' && !isPrivate(e.message)) onRoomMessage(e.message);
    for (const worker of workers.values()) worker.port.send({ t: 'room', events });
  };

  /** The policy gave up on this connection: it is no longer counted, and its worker drops it. */
  const drop = (id: ConnId, code: RefusalCode) => {
    const owner = owners.get(id);
    admission.closed(id);
    owners.delete(id);
    owner?.conns.delete(id);
    owner?.port.send({ t: 'drop', id, code });
  };

  type Answerers = { [K in AskName]: (w: Holdings, args: Asks[K]['args']) => Asks[K]['answer'] };
  const answer: Answerers = {
    join(w, { participant, capacity }) {
      const { result, events } = roster.seat(participant, capacity);
      // Whichever worker held the account's earlier seat no longer does.
      for (const other of workers.values()) if (other.seats.get(participant.userId)) other.seats.delete(participant.userId);
      if (result.ok) w.seats.set(participant.userId, result.seat);
      if (result.ok) for (const other of workers.values()) other.waiting.delete(participant.userId);
      toEveryone(events);
      return result;
    },
    acquire(w, holder) {
      const node = nodes.acquire(holder);
      if (node === undefined) return null;
      w.nodes.add(node);
      return node;
    },
    inUse: () => nodes.inUse(),
    connect(w, { address }) {
      const decision = admission.connect(address);
      if (!decision.ok) return decision;
      for (const victim of decision.evict) drop(victim, 'evicted');
      w.conns.add(decision.id);
      owners.set(decision.id, w);
      return { ok: true, id: decision.id };
    },
    newcomer: (_w, { id }) => admission.newcomer(id),
    lockedFor: (_w, { handle, address }) => guard.lockedFor(handle, address),
  };

  type Doers = { [K in TellName]: (w: Holdings, args: Tells[K]) => void };
  const act: Doers = {
    publish: (_w, message) => toEveryone([{ type: 'message', message }]),
    leave(w, { userId, seat, at }) {
      if (w.seats.get(userId) === seat) w.seats.delete(userId);
      toEveryone(roster.unseat(userId, seat, at));
    },
    // Kept in the roster too, so that a worker starting later hears the current record at join.
    update: (_w, { userId, seat, change }) => toEveryone(roster.update(userId, seat, change)),
    wait(w, { userId, handle }) {
      // The account's latest session is the one waiting: an earlier one's stop does nothing.
      for (const other of workers.values()) other.waiting.delete(userId);
      w.waiting.add(userId);
      toEveryone(roster.wait(userId, handle));
    },
    notify: (_w, notice) => toEveryone([{ type: 'notice', ...notice }]),
    stopWaiting(w, { userId }) {
      if (w.waiting.delete(userId)) toEveryone(roster.stopWaiting(userId));
    },
    release(w, { node }) {
      if (!w.nodes.delete(node)) return;
      nodes.release(node);
    },
    claim(w, { userId, key }) {
      const handle: CallerHandle = {
        end: (reason, text, notice) =>
          w.port.send(reason === 'kicked' || reason === 'banned' ? { t: 'end', key, removal: { reason, text: text ?? '', ...(notice && { notice }) } } : { t: 'end', key }),
      };
      w.sessions.set(key, { userId, handle });
      callers.claim(userId, handle);
    },
    unclaim(w, { key }) {
      const session = w.sessions.get(key);
      if (!session) return;
      w.sessions.delete(key);
      callers.release(session.userId, session.handle);
    },
    remove: (_w, { userId, removal }) => callers.get(userId)?.end(removal.reason, removal.text, removal.notice),
    versionSeen: (_w, { id }) => admission.versionSeen(id),
    authenticated: (_w, { id }) => admission.authenticated(id),
    admitted: (_w, { id }) => admission.admitted(id),
    registered: (_w, { id }) => admission.registered(id),
    closed(w, { id }) {
      if (!w.conns.delete(id)) return;
      owners.delete(id);
      admission.closed(id);
    },
    loginFailure: (_w, { handle, address }) => guard.recordFailure(handle, address),
    loginSuccess: (_w, { handle, address }) => guard.recordSuccess(handle, address),
  };

  return {
    addWorker(port) {
      workers.set(port.id, { port, nodes: new Set(), conns: new Set(), seats: new Map(), waiting: new Set(), sessions: new Map() });
      const present = [...roster.participants().map((participant): RoomEvent => ({ type: 'joined', participant })), ...roster.waiters()];
      if (present.length > 0) port.send({ t: 'room', events: present });
    },
    handle(workerId, message) {
      const w = workers.get(workerId);
      if (!w || message.t === 'ready' || message.t === 'failed' || message.t === 'metrics') return;
      if (message.t === 'ask') {
        const value = (answer[message.op] as (w: Holdings, args: unknown) => unknown)(w, message.args);
        w.port.send({ t: 'reply', id: message.id, value });
        return;
      }
      (act[message.op] as (w: Holdings, args: unknown) => void)(w, message.args);
    },
    removeWorker(workerId) {
      const w = workers.get(workerId);
      if (!w) return { seats: 0, nodes: 0 };
      workers.delete(workerId);
      for (const id of w.conns) {
        owners.delete(id);
        admission.closed(id);
      }
      for (const node of w.nodes) nodes.release(node);
      for (const { userId, handle } of w.sessions.values()) callers.release(userId, handle);
      const at = now();
      for (const [userId, seat] of w.seats) toEveryone(roster.unseat(userId, seat, at));
      for (const userId of w.waiting) toEveryone(roster.stopWaiting(userId));
      return { seats: w.seats.size, nodes: w.nodes.size };
    },
    nodesInUse: () => nodes.inUse(),
    roomMembers: () => roster.participants().length,
    connections: () => admission.counts().connections,
    expire() {
      for (const id of admission.expired()) drop(id, 'no_version');
    },
  };
}
