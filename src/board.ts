/**
 * createBoard(config, deps) → a whole board in one process: host keys, database, users, nodes, the
 * room and the SSH front door, wired together. It is what main.ts runs with one worker and what
 * tests start on port 0. createBoardWorker is the same board with the authority elsewhere (the
 * room's seats, the nodes, the accounts' sessions, the connection caps and login failures, reached
 * through BoardLinks): one of several worker processes. Neither reads the environment or installs
 * process handlers: main.ts owns the process.
 */
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createInProcessBus, type ChatBus } from './chat/bus.js';
import { ChatManager } from './chat/chat-manager.js';
import type { ChatMessage } from './chat/messages.js';
import type { Config } from './config.js';
import { ActiveCallers, createLocalLines, type Lines } from './nodes/lines.js';
import { NodeManager } from './nodes/node-manager.js';
import { startSession, type CallerSession, type EndReason, type SessionDeps } from './session.js';
import { loadAndLogHostKeys, loadHostKeys, type HostKey } from './ssh/host-keys.js';
import { LoginGuard, type LoginAttempts } from './ssh/login-guard.js';
import { admissionLimits } from './ssh/admission.js';
import { createLocalCounts, type ConnectionCounts } from './ssh/connection-caps.js';
import { createSshServer } from './ssh/server.js';
import { openStores } from './store/open-stores.js';
import { createPasswordHasher } from './store/passwords.js';
import { closeCrashedCalls } from './store/open-calls.js';
import type { CommunityStore, HistoryStore, Stores, UserStore } from './store/store.js';
import { createAccountWatch } from './account-watch.js';
import { createDrawing } from './ui/drawing.js';
import { prepareBlessed } from './ui/screen.js';
import type { RefusalReason } from './metrics/board-metrics.js';
import { createTelemetry, type MetricsSnapshot } from './metrics/telemetry.js';

export interface BoardDeps {
  log: Logger;
  now?: () => number;
  /** How long the line-busy screen stays up before hanging up (tests shorten it). */
  lineBusyMs?: number;
}

export interface Board {
  listen(): Promise<AddressInfo>;
  address(): AddressInfo | undefined;
  /** Open TCP connections, in any state. */
  connectionCount(): number;
  /** Where the metrics endpoint listens; undefined when metrics are off (or a primary serves them). */
  metricsAddress(): AddressInfo | undefined;
  /** This process's metrics, for a primary to merge with its other workers'. */
  metricsSnapshot(): Promise<MetricsSnapshot>;
  /** Goodbye to every caller, stop listening, close the stores. Idempotent. */
  close(): Promise<void>;
  readonly hostKeys: HostKey[];
  /** Everything the board keeps; users and community are two of them. */
  readonly stores: Stores;
  readonly users: UserStore;
  readonly community: CommunityStore;
  readonly room: ChatManager;
}

/** Sessions that end this way were callers turned away, as the metrics count them. */
const SESSION_REFUSALS: Partial<Record<EndReason, RefusalReason>> = { 'line-busy': 'line_busy', banned: 'banned' };

/** A board whose authority is in this process: its nodes can be looked at directly. */
export interface LocalBoard extends Board {
  readonly nodes: NodeManager;
}

/** Where the decisions one board makes in one place are taken. */
export interface BoardLinks {
  bus: ChatBus;
  lines: Lines;
  counts: ConnectionCounts;
  logins: LoginAttempts;
  /**
   * What the shared room said before this instance joined it, oldest first, where the links know it:
   * the history a caller sees on entering, ahead of this machine's own stored history.
   */
  recent?: readonly ChatMessage[];
  /** Nodes taken on the whole board, as last counted (for the metrics), where the links know it. */
  nodesInUse?(): number;
  /** Let go of the links (the board closes them last, after its callers' goodbyes). */
  close?(): Promise<void>;
}

/** How long callers' goodbyes may take to flush before their sockets are cut. */
const SHUTDOWN_GRACE_MS = 2000;

export async function createBoard(config: Readonly<Config>, deps: BoardDeps): Promise<LocalBoard> {
  const now = deps.now ?? Date.now;
  const hostKeys = loadAndLogHostKeys(config.server.keys_dir, deps.log);
  const nodes = new NodeManager(config.connection.max_nodes);
  const links: BoardLinks = {
    bus: createInProcessBus(),
    lines: createLocalLines(nodes),
    counts: createLocalCounts(admissionLimits(config.connection, config.auth), now),
    logins: new LoginGuard({ maxAttempts: config.auth.max_login_attempts, lockoutMinutes: config.auth.lockout_minutes, now }),
  };
  return { ...(await assemble(config, deps, links, hostKeys, { announce: true, closeCrashedCalls: true, nodesInUse: () => nodes.inUse() })), nodes };
}

/**
 * A board whose authority is behind links: a worker (its primary made the host keys before it
 * started), or an instance of a board shared through Redis. announce: log "listening on" (a
 * worker leaves that line to its primary). metricsProcess: this is one worker of several, named so
 * in its process metrics; its primary serves the metrics, merged.
 */
export async function createBoardWorker(config: Readonly<Config>, deps: BoardDeps, links: BoardLinks, options: WorkerOptions = {}): Promise<Board> {
  const { keys } = loadHostKeys(config.server.keys_dir, { generate: false });
  return assemble(config, deps, links, keys, { announce: options.announce ?? false, closeCrashedCalls: false, metricsProcess: options.metricsProcess });
}

export interface WorkerOptions {
  announce?: boolean;
  metricsProcess?: string;
}

interface AssembleOptions {
  announce: boolean;
  closeCrashedCalls: boolean;
  nodesInUse?: () => number;
  metricsProcess?: string;
}

async function assemble(config: Readonly<Config>, deps: BoardDeps, links: BoardLinks, hostKeys: HostKey[], options: AssembleOptions): Promise<Board> {
  const { log } = deps;
  const now = deps.now ?? Date.now;
  prepareBlessed();
  const hasher = createPasswordHasher({ maxConcurrent: config.auth.max_concurrent_hashes });
  const stores = await openStores(config, { hasher, now, log });
  // Which database, once per board (a worker leaves it to its primary); describe() holds no password.
  if (options.announce) log.info({ database: stores.describe() }, 'database open');
  let room: ChatManager;
  try {
    if (options.closeCrashedCalls) await closeCrashedCalls(stores.users, log);
    room = await openRoom(config, links, stores.history, { now, log });
  } catch (err) {
    await stores.close();
    throw err;
  }
  const { users, community } = stores;
  const sessions = new Set<CallerSession>();
  const telemetry = createTelemetry(
    config.metrics,
    {
      connections: () => server.connectionCount(),
      nodesInUse: options.nodesInUse ?? links.nodesInUse ?? (() => 0),
      nodeCount: () => config.connection.max_nodes,
      roomMembers: () => room.participantCount(),
    },
    room,
    log,
    options.metricsProcess === undefined ? { serve: true } : { serve: false, process: options.metricsProcess },
  );
  const sessionDeps: SessionDeps = {
    config,
    users,
    community,
    lines: links.lines,
    callers: new ActiveCallers<CallerSession>(),
    room,
    drawing: createDrawing(now),
    accounts: createAccountWatch({ community, log }),
    now,
    lineBusyMs: deps.lineBusyMs,
  };

  const server = createSshServer({
    server: config.server,
    connection: config.connection,
    auth: config.auth,
    bbsName: config.bbs.name,
    hostKeys,
    users,
    guard: links.logins,
    counts: links.counts,
    passwordQueue: hasher,
    log,
    metrics: telemetry.metrics,
    onShell({ conn, terminal }) {
      const session = startSession(sessionDeps, conn, terminal);
      sessions.add(session);
      void session.finished.then((reason) => {
        sessions.delete(session);
        const refusal = SESSION_REFUSALS[reason];
        if (refusal) telemetry.metrics.connectionRefused(refusal);
      });
    },
  });

  let address: AddressInfo | undefined;
  let closing: Promise<void> | undefined;

  async function shutdown(): Promise<void> {
    server.stopListening();
    const open = [...sessions];
    for (const session of open) session.end('shutdown');
    // Sessions ended their connections after writing a goodbye; give the bytes time to leave.
    await server.whenIdle(SHUTDOWN_GRACE_MS);
    server.destroyAll();
    await telemetry.close();
    room.close();
    sessionDeps.accounts.close();
    await links.close?.();
    await stores.close();
    log.info({ sessions: open.length }, 'board closed');
  }

  return {
    async listen() {
      await telemetry.listen();
      address = await server.listen(config.server.port, config.server.host);
      if (!options.announce) return address;
      log.info({ host: address.address, port: address.port, nodes: config.connection.max_nodes }, `listening on ${address.address}:${address.port}`);
      return address;
    },
    address: () => address,
    connectionCount: () => server.connectionCount(),
    metricsAddress: () => telemetry.address(),
    metricsSnapshot: () => telemetry.snapshot(),
    close: () => (closing ??= shutdown()),
    hostKeys,
    stores,
    users,
    community,
    room,
  };
}

/**
 * The room, with the history a newcomer sees loaded before it is made (the chat core does no I/O).
 * A shared room's own recent lines are the board's; this machine's store has only what was said here.
 */
async function openRoom(config: Readonly<Config>, links: BoardLinks, stored: HistoryStore, { now, log }: { now: () => number; log: Logger }): Promise<ChatManager> {
  const recent = links.recent;
  const initialHistory = recent?.length ? recent : await stored.load(config.chat.history);
  return new ChatManager({
    capacity: config.chat.capacity,
    now,
    historyLimit: config.chat.history,
    initialHistory,
    // Fire and forget: the store keeps appends in call order, and a failure costs only the kept copy.
    history: { append: (message) => void stored.append(message).catch((err: unknown) => log.error({ err }, 'could not save chat history')) },
    bus: links.bus,
    onListenerError: (err) => log.error({ err }, 'a chat listener failed'),
    onHistoryError: (err) => log.error({ err }, 'could not save chat history'),
  });
}
