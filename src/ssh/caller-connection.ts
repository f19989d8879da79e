/**
 * One caller's connection as session.ts sees it: its deadline, its place in the admission pools
 * (reported to the authority through ConnectionCounts), its shell channel for the goodbye, and
 * one close signal for the connection or that channel, whichever goes first.
 */
import type net from 'node:net';
import type { Connection, ServerChannel } from 'ssh2';
import type { Logger } from 'pino';
import type { AuthOutcome } from './auth.js';
import type { ConnectionCounts } from './connection-caps.js';
import type { ChannelTerminal } from './terminal.js';

/** One caller's connection, as session.ts sees it. */
export interface CallerConnection {
  readonly id: number;
  readonly remote: string;
  readonly startedAt: number;
  readonly outcome: AuthOutcome;
  /** Set when the front door refused this caller after login: the shell shows it and hangs up. */
  readonly refusal: string | undefined;
  log: Logger;
  /** Replace the deadline: when it passes, onExpire runs (then the connection is ended). */
  setDeadline(ms: number, onExpire: () => void): void;
  clearDeadline(): void;
  /** The caller now holds a node: they leave the pre-login and registration pools. */
  holdNode(): void;
  /** An account was created on this connection (counts against its address's hourly share). */
  noteRegistered(): void;
  /** Say `text` on the caller's terminal (when it still takes bytes), close it, end the connection. */
  hangUp(text?: string): void;
  end(): void;
  readonly closed: boolean;
  /** The connection or its terminal's channel closed. */
  onClose(listener: () => void): void;
}

export interface ShellStart {
  conn: CallerConnection;
  channel: ServerChannel;
  terminal: ChannelTerminal;
}

/** The front door's handle on a connection: what session.ts sees, and what the door sets. */
export interface LiveConnection extends CallerConnection {
  outcome: AuthOutcome;
  refusal: string | undefined;
  /** The caller's shell: the goodbye goes there, and its close ends the call. */
  attachShell(channel: ServerChannel): void;
  /** ssh2 says the connection closed. */
  markClosed(): void;
}

export interface CallerConnectionParts {
  id: number;
  remote: string;
  startedAt: number;
  log: Logger;
  client: Connection;
  socket: net.Socket;
  counts: ConnectionCounts;
}

export function createCallerConnection({ id, remote, startedAt, log, client, socket, counts }: CallerConnectionParts): LiveConnection {
  let deadline: NodeJS.Timeout | undefined;
  let closed = false;
  const closeListeners: Array<() => void> = [];
  let shell: ServerChannel | undefined;
  const notifyClose = () => {
    for (const listener of closeListeners.splice(0)) listener();
  };

  const conn: LiveConnection = {
    id,
    remote,
    startedAt,
    outcome: { kind: 'newcomer' },
    refusal: undefined,
    log,
    setDeadline(ms, onExpire) {
      clearTimeout(deadline);
      deadline = setTimeout(() => {
        log.info({ ms }, 'deadline passed');
        onExpire();
        conn.end();
      }, ms);
      deadline.unref();
    },
    clearDeadline: () => clearTimeout(deadline),
    holdNode: () => counts.admitted(id),
    noteRegistered: () => counts.registered(id),
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
        return endWhenClosed(shell, () => conn.end());
      }
      conn.end();
    },
    get closed() {
      return closed;
    },
    onClose: (listener) => closeListeners.push(listener),
    attachShell(channel) {
      shell = channel;
      channel.on('close', notifyClose);
    },
    markClosed() {
      closed = true;
      clearTimeout(deadline);
      notifyClose();
    },
  };
  return conn;
}

/** How long a client may take to close a channel we ended before its connection is ended anyway. */
const CHANNEL_CLOSE_MS = 1000;

/**
 * Ends the connection once the client has closed the channel we ended, or after CHANNEL_CLOSE_MS.
 * Ending it at once can cut the last text short: OpenSSH exits on a disconnect without writing
 * out the channel data it still holds, so a goodbye or a refusal sent just before would be lost.
 */
export function endWhenClosed(channel: { once(event: 'close', listener: () => void): unknown }, end: () => void): void {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    end();
  };
  const timer = setTimeout(once, CHANNEL_CLOSE_MS);
  timer.unref();
  channel.once('close', once);
}
