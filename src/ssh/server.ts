/**
 * The SSH front door. We own the TCP listener (PITFALLS 15): connection caps (total, per address,
 * and not-yet-on-a-node) and a login deadline are applied to the raw socket before ssh2 sees it,
 * so a client that never speaks cannot hold a slot forever. ssh2 gets explicit algorithms and
 * ident (PITFALLS 17), an 'error' listener on every emitter (14), and a channel policy: one
 * session channel with a PTY and a shell; exec, subsystems, forwarding, agent and X11 are refused.
 * What a caller does after the shell starts is session.ts's business.
 */
import net from 'node:net';
import ssh2, { type Connection, type ServerChannel, type Session } from 'ssh2';
import type { Logger } from 'pino';
import type { AuthConfig, ConnectionConfig } from '../config.js';
import { logSafe } from '../log.js';
import type { UserStore } from '../store/users.js';
import { ConnectionAuth, type AuthOutcome } from './auth.js';
import type { HostKey } from './host-keys.js';
import type { BoardMetrics } from '../metrics/board-metrics.js';
import type { Admission, ConnectionCounts } from './connection-caps.js';
import type { LoginAttempts } from './login-guard.js';
import { clampSize, createChannelTerminal, type ChannelTerminal, type PtySize } from './terminal.js';

const ALGORITHMS = {
  kex: ['curve25519-sha256', 'curve25519-sha256@libssh.org', 'diffie-hellman-group16-sha512', 'diffie-hellman-group18-sha512'],
  serverHostKey: ['ssh-ed25519', 'rsa-sha2-512', 'rsa-sha2-256'],
  cipher: ['chacha20-poly1305@openssh.com', 'aes256-gcm@openssh.com', 'aes128-gcm@openssh.com', 'aes256-ctr', 'aes192-ctr', 'aes128-ctr'],
  hmac: ['hmac-sha2-256-etm@openssh.com', 'hmac-sha2-512-etm@openssh.com'],
  compress: ['none'],
} as const;

/** One caller's connection, as session.ts sees it. */
export interface CallerConnection {
  readonly id: number;
  readonly remote: string;
  readonly startedAt: number;
  readonly outcome: AuthOutcome;
  log: Logger;
  /** Replace the deadline: when it passes, onExpire runs (then the connection is ended). */
  setDeadline(ms: number, onExpire: () => void): void;
  clearDeadline(): void;
  /** The caller now holds a node: they no longer count against the not-yet-on-a-node cap. */
  holdNode(): void;
  /** Say `text` on the caller's terminal (when it still takes bytes), close it, end the connection. */
  hangUp(text?: string): void;
  end(): void;
  readonly closed: boolean;
  /** The connection or its terminal's channel closed. */
  onClose(listener: () => void): void;
}

export interface ShellStart {
  conn: CallerConnection;
  terminal: ChannelTerminal;
}

export interface SshServerDeps {
  connection: ConnectionConfig;
  auth: AuthConfig;
  bbsName: string;
  hostKeys: HostKey[];
  users: UserStore;
  guard: LoginAttempts;
  counts: ConnectionCounts;
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

export function createSshServer(deps: SshServerDeps): SshServer {
  const { log } = deps;
  const ssh = new ssh2.Server({
    hostKeys: deps.hostKeys.map((k) => k.privateKey),
    algorithms: ALGORITHMS as unknown as ssh2.Algorithms,
    ident: 'ssh-bbs',
    keepaliveInterval: deps.connection.keepalive_seconds * 1000,
    keepaliveCountMax: 3,
  } as ssh2.ServerConfig);
  ssh.on('error', (err: Error) => log.error({ err }, 'ssh server error'));

  const sockets = new Set<net.Socket>();
  const idleWaiters: Array<() => void> = [];
  /** Sockets accepted but not yet identified by ssh2 (it emits 'connection' after the client's version line). */
  const unidentified = new Map<string, { socket: net.Socket; ticket: number; connectedAt: number; deadline: NodeJS.Timeout }>();

  const tcp = net.createServer({ noDelay: true }, (socket) => {
    socket.on('error', () => undefined);
    // Until admitted the socket is not read: ssh2 gets it only then.
    void Promise.resolve(deps.counts.admit(socket.remoteAddress ?? '?')).then(
      (admission) => take(socket, admission),
      (err: unknown) => {
        log.error({ err }, 'could not count a connection');
        socket.destroy();
      },
    );
  });
  tcp.on('error', (err) => log.error({ err }, 'listener error'));

  function take(socket: net.Socket, admission: Admission): void {
    const remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`;
    if (!admission.ok) {
      log.warn({ ip: plainAddress(socket.remoteAddress ?? '?'), port: socket.remotePort, reason: admission.reason }, 'connection refused');
      deps.metrics?.connectionRefused(admission.reason);
      socket.destroy();
      return;
    }
    const { ticket } = admission;
    if (socket.destroyed) return deps.counts.closed(ticket);
    sockets.add(socket);
    // A client that never sends its version line is invisible to ssh2 (PITFALLS 15): our own clock.
    const deadline = setTimeout(() => socket.destroy(), deps.connection.login_grace_seconds * 1000);
    unidentified.set(remote, { socket, ticket, connectedAt: Date.now(), deadline });
    socket.once('close', () => {
      clearTimeout(deadline);
      unidentified.delete(remote);
      sockets.delete(socket);
      deps.counts.closed(ticket);
      if (sockets.size === 0) for (const wake of idleWaiters.splice(0)) wake();
    });
    ssh.injectSocket(socket);
  }

  ssh.on('connection', (client: Connection, info: { ip: string; port: number }) => {
    const remote = `${info.ip}:${info.port}`;
    const entry = unidentified.get(remote);
    client.on('error', () => undefined);
    if (!entry) return client.end();
    unidentified.delete(remote);
    clearTimeout(entry.deadline);
    setUpConnection(client, entry.socket, entry.ticket, remote, entry.connectedAt);
  });

  function setUpConnection(client: Connection, socket: net.Socket, id: number, remote: string, startedAt: number): void {
    // The address in a field of its own (and the port apart), so fail2ban and log queries match it exactly.
    const connLog = log.child({ conn: id, ip: plainAddress(socket.remoteAddress ?? '?'), port: socket.remotePort });
    connLog.info('connect');
    let deadline: NodeJS.Timeout | undefined;
    let closed = false;
    const closeListeners: Array<() => void> = [];
    let shell: ServerChannel | undefined;
    const notifyClose = () => {
      for (const listener of closeListeners.splice(0)) listener();
    };

    const conn: CallerConnection & { outcome: AuthOutcome } = {
      id,
      remote,
      startedAt,
      outcome: { kind: 'newcomer' },
      log: connLog,
      setDeadline(ms, onExpire) {
        clearTimeout(deadline);
        deadline = setTimeout(() => {
          connLog.info({ ms }, 'deadline passed');
          onExpire();
          conn.end();
        }, ms);
        deadline.unref();
      },
      clearDeadline: () => clearTimeout(deadline),
      holdNode: () => deps.counts.onNode(id),
      end() {
        try {
          client.end();
        } catch {
          socket.destroy();
        }
        // A client that ignores our disconnect must not keep the socket.
        setTimeout(() => socket.destroy(), 2000).unref();
      },
      hangUp(text) {
        if (shell?.writable) {
          if (text) shell.write(text);
          try {
            shell.exit(0);
          } catch {
            // the channel is going anyway; the end below still runs
          }
          shell.end();
        }
        conn.end();
      },
      get closed() {
        return closed;
      },
      onClose: (listener) => closeListeners.push(listener),
    };
    const onShellChannel = (channel: ServerChannel) => {
      shell = channel;
      channel.on('close', notifyClose);
    };
    conn.setDeadline(deps.connection.login_grace_seconds * 1000, () => undefined);

    const auth = new ConnectionAuth({
      users: deps.users,
      guard: deps.guard,
      bbsName: deps.bbsName,
      maxLoginAttempts: deps.auth.max_login_attempts,
      remote: socket.remoteAddress ?? '?',
      log: connLog,
      onGiveUp: () => conn.end(),
      onFailure: (reason) => deps.metrics?.loginFailed(reason),
    });

    client.on('error', (err: Error) => connLog.debug({ err: err.message }, 'client error'));
    client.on('authentication', (ctx) => auth.handle(ctx));
    client.on('ready', () => {
      conn.outcome = auth.outcome ?? { kind: 'newcomer' };
      const who = conn.outcome.kind === 'user' ? conn.outcome.user.handle : 'new';
      connLog.info({ user: who, method: conn.outcome.kind === 'user' ? conn.outcome.method : 'newcomer' }, 'authenticated');
      client.on('session', (accept, reject) => onSession(conn, onShellChannel, accept, reject));
    });
    client.on('handshake', (info) => connLog.debug({ kex: info.kex, cipher: info.cs.cipher }, 'handshake'));
    client.on('tcpip', (_accept, reject) => reject());
    client.on('openssh.streamlocal', (_accept, reject) => reject());
    client.on('request', (_accept, reject) => reject?.());
    client.on('close', () => {
      closed = true;
      clearTimeout(deadline);
      connLog.info({ durationMs: Date.now() - startedAt }, 'disconnect');
      notifyClose();
    });
  }

  function onSession(conn: CallerConnection, onShellChannel: (channel: ServerChannel) => void, accept: () => Session, reject: () => void): void {
    if (sessionTaken.has(conn.id)) return reject();
    sessionTaken.add(conn.id);
    conn.onClose(() => sessionTaken.delete(conn.id));
    const session = accept();
    let pty: { term: string; size: PtySize } | undefined;
    let terminal: ChannelTerminal | undefined;
    const refuseWith = (accepter: () => ServerChannel, text: string) => {
      const channel = accepter();
      channel.on('error', () => undefined);
      channel.write(`\r\n${text}\r\n\r\n`);
      channel.exit(1);
      channel.end();
      conn.log.info('refused a session without a terminal');
      setImmediate(() => conn.end());
    };
    session.on('pty', (accept, _reject, info) => {
      pty = { term: String(info.term ?? ''), size: clampSize(info.cols, info.rows) };
      accept?.();
    });
    session.on('window-change', (accept, _reject, info) => {
      terminal?.resize(info.cols, info.rows);
      accept?.();
    });
    session.on('env', (_accept, reject) => reject?.());
    session.on('exec', (accept) => refuseWith(accept, `${deps.bbsName} does not run commands. Connect with: ssh -p <port> <handle>@<host>`));
    session.on('subsystem', (_accept, reject) => reject());
    session.on('sftp', (_accept, reject) => reject());
    session.on('x11', (_accept, reject) => reject());
    session.on('auth-agent', (_accept, reject) => reject?.());
    session.on('signal', (accept) => accept?.());
    session.on('shell', (accept, reject) => {
      if (terminal) return reject();
      if (!pty) return refuseWith(accept, `${deps.bbsName} needs an interactive terminal. Connect with: ssh -t -p <port> <handle>@<host>`);
      const channel = accept();
      channel.on('error', (err: Error) => conn.log.debug({ err: err.message }, 'channel error'));
      terminal = createChannelTerminal(channel, pty.term, pty.size);
      onShellChannel(channel);
      conn.log.info({ term: logSafe(pty.term, 32), cols: pty.size.cols, rows: pty.size.rows }, 'shell');
      deps.onShell({ conn, terminal });
    });
  }
  const sessionTaken = new Set<number>();

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
      // net.Server.close's callback waits for every connection to end; the sessions end them.
      if (tcp.listening) tcp.close();
    },
    whenIdle(ms) {
      if (sockets.size === 0) return Promise.resolve();
      return new Promise((resolve) => {
        const timer = setTimeout(resolve, ms);
        idleWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    destroyAll() {
      for (const socket of sockets) socket.destroy();
    },
    connectionCount: () => sockets.size,
  };
}

/** An IPv4 caller reaching a dual-stack (::) listener shows as ::ffff:a.b.c.d; a ban needs a.b.c.d. */
function plainAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
