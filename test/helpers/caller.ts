/**
 * A caller: a real ssh2 client with a PTY whose output feeds a headless terminal emulator of the
 * same size, so tests assert on what a person would see.
 */
import { Client, type ClientChannel, type ConnectConfig } from 'ssh2';
import { VirtualTerminal } from './virtual-terminal.js';

export interface CallerOptions {
  username: string;
  password?: string;
  privateKey?: string | Buffer;
  cols?: number;
  rows?: number;
  term?: string;
  /** false: ask for a shell without a PTY. */
  pty?: boolean;
  /** Answer keyboard-interactive prompts with this (default: the password). */
  keyboardAnswer?: string;
  authHandler?: ConnectConfig['authHandler'];
  /** An SSH agent whose keys the client offers (authHandler: 'agent'). */
  agent?: ConnectConfig['agent'];
  /** The emulator's size when it differs from the PTY asked for (hostile sizes the board clamps). */
  screenSize?: { cols: number; rows: number };
  /** Connect from this loopback address (127.x.y.z), to stand for a caller elsewhere. */
  localAddress?: string;
}

export interface Caller {
  client: Client;
  stream: ClientChannel;
  vt: VirtualTerminal;
  type(keys: string): void;
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<void>;
  screen(): string;
  resize(cols: number, rows: number): void;
  /** Resolves when the server ends the connection. */
  closed: Promise<void>;
  end(): void;
}

export function connectClient(port: number, options: CallerOptions): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    client.on('ready', () => resolve(client));
    client.on('error', reject);
    client.on('keyboard-interactive', (_name, _instr, _lang, prompts, finish) => {
      finish(prompts.map(() => options.keyboardAnswer ?? options.password ?? ''));
    });
    client.connect({
      host: '127.0.0.1',
      port,
      username: options.username,
      password: options.password,
      privateKey: options.privateKey,
      tryKeyboard: true,
      authHandler: options.authHandler,
      agent: options.agent,
      readyTimeout: 20_000,
      hostVerifier: () => true,
      localAddress: options.localAddress,
    });
  });
}

export async function connectCaller(port: number, options: CallerOptions): Promise<Caller> {
  const cols = options.cols ?? 80;
  const rows = options.rows ?? 24;
  const client = await connectClient(port, options);
  const closed = new Promise<void>((resolve) => client.on('close', () => resolve()));
  const stream = await new Promise<ClientChannel>((resolve, reject) => {
    const pty = options.pty === false ? false : { cols, rows, term: options.term ?? 'xterm-256color' };
    client.shell(pty as never, (err, channel) => (err ? reject(err) : resolve(channel)));
  });
  const vt = new VirtualTerminal(options.screenSize?.cols ?? cols, options.screenSize?.rows ?? rows);
  stream.on('data', (data: Buffer) => vt.write(data));
  return {
    client,
    stream,
    vt,
    type: (keys) => void stream.write(keys),
    waitFor: (text, timeoutMs) => vt.waitFor(text, timeoutMs),
    screen: () => vt.text(),
    resize(c, r) {
      vt.resize(c, r);
      stream.setWindow(r, c, 0, 0);
    },
    closed,
    end: () => client.end(),
  };
}
