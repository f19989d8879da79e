/**
 * createBoard(config, deps) → a whole board: host keys, database, users, nodes, the room and the
 * SSH front door, wired together. It is what main.ts runs and what tests start on port 0. It reads
 * no environment and installs no process handlers: main.ts owns the process.
 */
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { ChatManager } from './chat/chat-manager.js';
import type { Config } from './config.js';
import { NodeManager } from './nodes/node-manager.js';
import { ActiveCallers, startSession, type CallerSession, type SessionDeps } from './session.js';
import { loadHostKeys, type HostKey } from './ssh/host-keys.js';
import { LoginGuard } from './ssh/login-guard.js';
import { createSshServer } from './ssh/server.js';
import { openDatabase } from './store/db.js';
import { createHistoryStore } from './store/history.js';
import { createPasswordHasher } from './store/passwords.js';
import { UserStore } from './store/users.js';
import { prepareBlessed } from './ui/screen.js';

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
  /** Goodbye to every caller, stop listening, close the database. Idempotent. */
  close(): Promise<void>;
  readonly hostKeys: HostKey[];
  readonly users: UserStore;
  readonly nodes: NodeManager;
  readonly room: ChatManager;
}

/** How long callers' goodbyes may take to flush before their sockets are cut. */
const SHUTDOWN_GRACE_MS = 2000;

export function createBoard(config: Readonly<Config>, deps: BoardDeps): Board {
  const { log } = deps;
  const now = deps.now ?? Date.now;
  prepareBlessed();
  const { keys: hostKeys, generated } = loadHostKeys(config.server.keys_dir, { generate: true });
  for (const file of generated) log.info({ file }, 'generated a new host key');
  for (const key of hostKeys) log.info({ type: key.type, bits: key.bits, fingerprint: key.fingerprint }, 'host key');

  const db = openDatabase(config.server.data_dir);
  const hasher = createPasswordHasher({ maxConcurrent: config.auth.max_concurrent_hashes });
  const users = new UserStore(db, hasher);
  const leftOpen = users.closeOpenCalls();
  if (leftOpen > 0) log.warn({ calls: leftOpen }, 'closed call-log entries left open by an unclean stop');
  const nodes = new NodeManager(config.connection.max_nodes);
  const room = new ChatManager({
    capacity: config.chat.capacity,
    now,
    historyLimit: config.chat.history,
    history: createHistoryStore(db),
    onListenerError: (err) => log.error({ err }, 'a chat listener failed'),
    onHistoryError: (err) => log.error({ err }, 'could not save chat history'),
  });
  const guard = new LoginGuard({ maxAttempts: config.auth.max_login_attempts, lockoutMinutes: config.auth.lockout_minutes, now });
  const sessions = new Set<CallerSession>();
  const sessionDeps: SessionDeps = { config, users, nodes, room, callers: new ActiveCallers(), now, lineBusyMs: deps.lineBusyMs };

  const server = createSshServer({
    server: config.server,
    connection: config.connection,
    auth: config.auth,
    bbsName: config.bbs.name,
    hostKeys,
    users,
    guard,
    passwordQueue: hasher,
    log,
    onShell({ conn, channel, terminal }) {
      const session = startSession(sessionDeps, conn, channel, terminal);
      sessions.add(session);
      void session.finished.then(() => sessions.delete(session));
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
    room.close();
    db.close();
    log.info({ sessions: open.length }, 'board closed');
  }

  return {
    async listen() {
      address = await server.listen(config.server.port, config.server.host);
      log.info({ host: address.address, port: address.port, nodes: config.connection.max_nodes }, `listening on ${address.address}:${address.port}`);
      return address;
    },
    address: () => address,
    connectionCount: () => server.connectionCount(),
    close: () => (closing ??= shutdown()),
    hostKeys,
    users,
    nodes,
    room,
  };
}
