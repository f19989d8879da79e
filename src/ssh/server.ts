/**
 * The SSH front door. We own the TCP listener: ssh2 never sees a socket that never speaks. Every
 * accepted socket is put to the admission authority (connection-caps.ts: admission.ts's policy,
 * in this process or in the primary of a board with workers: caps, per-address shares, room made
 * by dropping a waiting connection, the version-line deadline, the registration pool), and each
 * step of its login is reported there; a refused one is told why in words when its client speaks
 * SSH (refusal.ts), and refusals are logged once per address and reason per interval
 * (refusal-log.ts). ssh2 gets our algorithm
 * offer (algorithms.ts), a fixed ident, an 'error' listener on every emitter, and the channel
 * policy (channel-policy.ts). What a caller does after the shell starts is session.ts's business.
 */
import net from 'node:net';
import { readProxyHeader } from './proxy-header.js';
import ssh2, { type Connection } from 'ssh2';
import type { Logger } from 'pino';
import { workerCount, type AuthConfig, type ConnectionConfig, type ServerConfig } from '../config.js';
import type { BoardMetrics } from '../metrics/board-metrics.js';
import type { UserStore } from '../store/store.js';
import { plainAddress } from './address.js';
import type { ConnId } from './admission.js';
import { ALGORITHM_SETS, applyOffer, createOffer } from './algorithms.js';
import { ConnectionAuth } from './auth.js';
import { disconnectWithReason, sendBanner } from './login-notices.js';
import { acceptRepeatedUserauth } from './userauth-service.js';
import { createCallerConnection, type LiveConnection, type ShellStart } from './caller-connection.js';
import { acceptSession } from './channel-policy.js';
import type { Admitted, ConnectionCounts } from './connection-caps.js';
import type { HostKey } from './host-keys.js';
import { signingHostKey } from './key-objects.js';
import type { LoginAttempts } from './login-guard.js';
import { createRefusalLog } from './refusal-log.js';
import { createRefuser, REFUSAL_TEXT } from './refusal.js';
import { BOARD_LAYOUTS_PER_SECOND, createLayoutBudget } from './resize-throttle.js';

/** Refused sockets held at once while they are told why; past it they are simply closed. */
const MAX_REFUSALS_HELD = 64;
const REFUSAL_DEADLINE_MS = 3000;
const REFUSAL_LOG_INTERVAL_MS = 60_000;

export interface SshServerDeps {
  server: Pick<ServerConfig, 'algorithms' | 'proxy_protocol' | 'workers'>;
  connection: ConnectionConfig;
  auth: AuthConfig;
  bbsName: string;
  hostKeys: HostKey[];
  users: UserStore;
  guard: LoginAttempts;
  /** The admission authority: here, or in the primary. */
  counts: ConnectionCounts;
  /** Password checks running, and queued behind them (this process's own hasher). */
  passwordQueue: { readonly running: number; readonly waiting: number };
  log: Logger;
  /** Counts refusals and failed logins. */
  metrics?: BoardMetrics;
  onShell(start: ShellStart): void;
}

export interface SshServer {
  listen(port: number, host: string): Promise<net.AddressInfo>;
  /** Stop accepting; existing connections are the sessions' to close. */
  stopListening(): void;
  /** Resolves when no connection is left, or after `ms`. */
  whenIdle(ms: number): Promise<void>;
  /** End every connection still open (after sessions said goodbye). */
  destroyAll(): void;
  connectionCount(): number;
}

interface Accepted {
  socket: net.Socket;
  address: string;
  connectedAt: number;
}

export function createSshServer(deps: SshServerDeps): SshServer {
  const { log } = deps;
  const algorithms = ALGORITHM_SETS[deps.server.algorithms];
  const offer = createOffer(algorithms, deps.hostKeys.map((k) => k.type));
  const ssh = new ssh2.Server({
    hostKeys: deps.hostKeys.map((k) => signingHostKey(k.privateKey)),
    algorithms: algorithms as unknown as ssh2.Algorithms,
    ident: 'ssh-bbs',
    keepaliveInterval: deps.connection.keepalive_seconds * 1000,
    keepaliveCountMax: 3,
  } as ssh2.ServerConfig);
  ssh.on('error', (err: Error) => log.error({ err }, 'ssh server error'));

  const { counts } = deps;
  const refuser = createRefuser({ maxHeld: MAX_REFUSALS_HELD, deadlineMs: REFUSAL_DEADLINE_MS });
  const refusals = createRefusalLog(log, REFUSAL_LOG_INTERVAL_MS, (reason) => deps.metrics?.connectionRefused(reason));
  const layouts = createLayoutBudget(BOARD_LAYOUTS_PER_SECOND / workerCount(deps.server));
  const accepted = new Map<ConnId, Accepted>();
  /** Accepted sockets ssh2 has not announced yet (it emits 'connection' after the version line). */
  const byRemote = new Map<string, ConnId>();
  const idleWaiters: Array<() => void> = [];

  // The authority drops connections it made room from or found silent; only this process holds them.
  counts.onDrop((id, reason) => {
    const entry = accepted.get(id);
    if (!entry) return;
    refusals.note(entry.address, entry.socket.remotePort, reason);
    entry.socket.destroy();
  });

  const tcp = net.createServer({ noDelay: true }, (socket) => {
    socket.on('error', () => undefined);
    if (!deps.server.proxy_protocol) return admit(socket);
    // Behind a load balancer: the caller's address comes first, from the balancer.
    void readProxyHeader(socket, deps.connection.version_seconds * 1000).then((ok) => (ok ? admit(socket) : socket.destroy()));
  });
  tcp.on('error', (err) => log.error({ err }, 'listener error'));

  function admit(socket: net.Socket): void {
    // Until admitted the socket is not read: ssh2 gets it only then.
    void Promise.resolve(counts.connect(socket.remoteAddress ?? '?')).then(
      (decision) => take(socket, decision),
      (err: unknown) => {
        log.error({ err }, 'could not count a connection');
        socket.destroy();
      },
    );
  }

  function take(socket: net.Socket, decision: Admitted): void {
    const address = socket.remoteAddress ?? '?';
    if (!decision.ok) {
      refusals.note(address, socket.remotePort, decision.code);
      refuser.refuse(socket, decision.code);
      return;
    }
    const { id } = decision;
    if (socket.destroyed) return counts.closed(id);
    const remote = `${address}:${socket.remotePort ?? 0}`;
    accepted.set(id, { socket, address, connectedAt: Date.now() });
    byRemote.set(remote, id);
    socket.once('close', () => {
      counts.closed(id);
      accepted.delete(id);
      if (byRemote.get(remote) === id) byRemote.delete(remote);
      if (accepted.size === 0) for (const wake of idleWaiters.splice(0)) wake();
    });
    ssh.injectSocket(socket);
  }

  ssh.on('connection', (client: Connection, info: { ip: string; port: number }) => {
    client.on('error', () => undefined);
    // Before anything else: ssh2 sends its KEXINIT as soon as this event returns.
    try {
      applyOffer(client, offer);
      acceptRepeatedUserauth(client);
    } catch (err) {
      log.error({ err }, 'cannot adapt ssh2 to this connection; refusing it');
      return client.end();
    }
    const remote = `${info.ip}:${info.port}`;
    const id = byRemote.get(remote);
    const entry = id === undefined ? undefined : accepted.get(id);
    if (id === undefined || !entry) return client.end();
    byRemote.delete(remote);
    counts.versionSeen(id);
    setUpConnection(client, id, entry, remote);
  });

  function setUpConnection(client: Connection, id: ConnId, { socket, address, connectedAt }: Accepted, remote: string): void {
    // The address in a field of its own (and the port apart), so fail2ban and log queries match it exactly.
    const connLog = log.child({ conn: id, ip: plainAddress(address), port: socket.remotePort });
    connLog.info('connect');
    const conn = createCallerConnection({ id, remote, startedAt: connectedAt, log: connLog, client, socket, counts });
    conn.setDeadline(deps.connection.login_grace_seconds * 1000, () => undefined);

    const auth = new ConnectionAuth({
      users: deps.users,
      guard: deps.guard,
      bbsName: deps.bbsName,
      maxLoginAttempts: deps.auth.max_login_attempts,
      remote: address,
      log: connLog,
      hashQueueFull: () =>
        deps.passwordQueue.running >= deps.auth.max_concurrent_hashes && deps.passwordQueue.waiting >= deps.auth.max_waiting_hashes,
      hangUp: (text) => {
        connLog.info({ notice: text }, 'connection ended during login');
        disconnectWithReason(client, text);
        conn.end();
      },
      tell: (text) => void sendBanner(client, text),
      onFailure: (reason) => deps.metrics?.loginFailed(reason),
    });

    client.on('error', (err: Error) => connLog.debug({ err: err.message }, 'client error'));
    client.on('authentication', (ctx) => auth.handle(ctx));
    client.on('ready', () => {
      conn.outcome = auth.outcome ?? { kind: 'newcomer' };
      const who = conn.outcome.kind === 'user' ? conn.outcome.user.handle : 'new';
      connLog.info({ user: who, method: conn.outcome.kind === 'user' ? conn.outcome.method : 'newcomer' }, 'authenticated');
      // A newcomer's place in the registration pool may be decided in another process: the session
      // channel is answered once it is, so the shell knows whether to show a refusal.
      let decided: Promise<void> | undefined;
      if (conn.outcome.kind === 'user') counts.authenticated(id);
      else decided = admitNewcomer(conn, address, socket.remotePort);
      const onShell = (start: ShellStart) => {
        conn.attachShell(start.channel);
        deps.onShell(start);
      };
      let sessionTaken = false;
      client.on('session', (accept, reject) => {
        if (sessionTaken) return reject();
        sessionTaken = true;
        const open = () => {
          if (!conn.closed) acceptSession({ bbsName: deps.bbsName, layouts, onShell }, conn, accept);
        };
        if (decided) void decided.then(open);
        else open();
      });
    });
    client.on('handshake', (info) => connLog.debug({ kex: info.kex, cipher: info.cs.cipher }, 'handshake'));
    client.on('tcpip', (_accept, reject) => reject());
    client.on('openssh.streamlocal', (_accept, reject) => reject());
    client.on('request', (_accept, reject) => reject?.());
    client.on('close', () => {
      connLog.info({ durationMs: Date.now() - connectedAt }, 'disconnect');
      conn.markClosed();
    });
  }

  function admitNewcomer(conn: LiveConnection, address: string, port: number | undefined): Promise<void> {
    return Promise.resolve(counts.newcomer(conn.id)).then(
      (decision) => {
        if (decision.ok) return;
        refusals.note(address, port, decision.code);
        conn.refusal = REFUSAL_TEXT[decision.code];
      },
      (err: unknown) => {
        conn.log.error({ err }, 'could not ask for a place in the registration pool');
        conn.end();
      },
    );
  }

  return {
    listen(port, host) {
      return new Promise((resolve, reject) => {
        const onError = (err: Error) => reject(err);
        tcp.once('error', onError);
        tcp.listen(port, host, () => {
          tcp.off('error', onError);
          resolve(tcp.address() as net.AddressInfo);
        });
      });
    },
    stopListening() {
      counts.stop();
      refusals.close();
      // net.Server.close's callback waits for every connection to end; the sessions end them.
      if (tcp.listening) tcp.close();
    },
    whenIdle(ms) {
      if (accepted.size === 0) return Promise.resolve();
      return new Promise((resolve) => {
        const timer = setTimeout(resolve, ms);
        idleWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    destroyAll() {
      for (const { socket } of accepted.values()) socket.destroy();
    },
    connectionCount: () => accepted.size,
  };
}
