/**
 * What a logged-in connection may open: one session channel with a PTY and a shell. exec gets a
 * sentence saying how to connect instead; subsystems (sftp), X11, agent forwarding and env are
 * refused. A shell without a PTY, or for a caller the front door refused after login (a full
 * registration pool, say), is told why and closed. What happens in the shell is session.ts's.
 */
import type { ServerChannel, Session } from 'ssh2';
import { logSafe } from '../log.js';
import { endWhenClosed, type CallerConnection, type ShellStart } from './caller-connection.js';
import type { LayoutBudget } from './resize-throttle.js';
import { clampSize, createChannelTerminal, type ChannelTerminal, type PtySize } from './terminal.js';

export interface ChannelPolicyDeps {
  bbsName: string;
  /** Window-change layouts shared by the whole board. */
  layouts: LayoutBudget;
  onShell(start: ShellStart): void;
}

export function acceptSession(deps: ChannelPolicyDeps, conn: CallerConnection, accept: () => Session): void {
  const session = accept();
  let pty: { term: string; size: PtySize } | undefined;
  let terminal: ChannelTerminal | undefined;
  const refuseWith = (accepter: () => ServerChannel, text: string) => {
    const channel = accepter();
    channel.on('error', () => undefined);
    channel.write(`\r\n${text}\r\n\r\n`);
    channel.exit(1);
    channel.end();
    conn.log.info('session refused');
    endWhenClosed(channel, () => conn.end());
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
    if (conn.refusal) return refuseWith(accept, conn.refusal);
    if (!pty) return refuseWith(accept, `${deps.bbsName} needs an interactive terminal. Connect with: ssh -t -p <port> <handle>@<host>`);
    const channel = accept();
    channel.on('error', (err: Error) => conn.log.debug({ err: err.message }, 'channel error'));
    terminal = createChannelTerminal(channel, pty.term, pty.size, { layouts: deps.layouts });
    terminal.onInputDropped((bytes) => conn.log.warn({ bytes }, 'input over its byte budget; dropped'));
    conn.log.info({ term: logSafe(pty.term, 32), cols: pty.size.cols, rows: pty.size.rows }, 'shell');
    deps.onShell({ conn, channel, terminal });
  });
}
