/**
 * One bench caller: an ssh2 client with a PTY whose output is fed to a headless xterm of the same
 * size. Screens are read, not raw bytes: blessed redraws only the cells that changed, so a line
 * whose characters partly match what was on screen before never arrives as one run of bytes.
 *
 * Timing is taken when a chunk *arrives*, before it is parsed, so the emulator's own cost does not
 * count against the board: a watcher sees each parsed screen together with the arrival time of the
 * chunk that produced it.
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import xterm from '@xterm/headless';
import { Client, type ClientChannel, type ConnectConfig } from 'ssh2';

const { Terminal } = xterm;

const READY_TIMEOUT_MS = 60_000;
const CLOSE_TIMEOUT_MS = 5_000;

export interface CallerOptions {
  port: number;
  handle: string;
  /** Log in with this key; without it, with `password`. */
  privateKey?: string;
  password?: string;
  /** The loopback address to call from (127.0.0.0/8), as a caller from its own address would. */
  localAddress?: string;
  cols?: number;
  rows?: number;
}

/** The screen every bench caller has unless it asks for another: a common modern window. */
export const SCREEN = { cols: 120, rows: 40 };

/** Milliseconds from the start of the TCP connection. */
export interface SetupTimes {
  /** SSH handshake and authentication done. */
  authenticatedMs: number;
  /** The teleconference is on screen (title bar with the node and the caller's handle). */
  teleconferenceMs: number;
}

/**
 * One parsed screen, read only as far as a watcher needs: each row is turned into text once, when
 * first asked for. Reading all 40 rows of every screen after every chunk cost the bench ~75 µs a
 * chunk, six times the parse, and at 1,000 callers the bench's queue then delayed its own reading
 * of the sockets, which counted against the board.
 */
export class ScreenView {
  private readonly rows: Array<string | undefined>;

  constructor(private readonly vt: InstanceType<typeof Terminal>) {
    this.rows = new Array<string | undefined>(vt.rows);
  }

  get height(): number {
    return this.rows.length;
  }

  /** Row `y` from the top, trimmed on the right. */
  row(y: number): string {
    const buffer = this.vt.buffer.active;
    return (this.rows[y] ??= buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '');
  }

  /** The visible rows joined by newlines. */
  text(): string {
    return Array.from({ length: this.height }, (_, y) => this.row(y)).join('\n');
  }
}

export type ScreenWatcher = (screen: ScreenView, arrivedAt: number) => void;

export class BenchCaller {
  /** Bytes read from the shell channel (what waits unread while paused is not counted yet). */
  bytesReceived = 0;
  closed = false;
  private readonly watchers = new Set<ScreenWatcher>();
  private readonly closeListeners: Array<() => void> = [];

  private constructor(
    readonly handle: string,
    private readonly client: Client,
    private readonly stream: ClientChannel,
    private readonly vt: InstanceType<typeof Terminal>,
  ) {
    stream.on('data', (data: Buffer) => this.receive(data));
    stream.on('error', () => undefined); // the connection closing is what the bench watches
    client.on('close', () => {
      this.closed = true;
      for (const listener of this.closeListeners.splice(0)) listener();
    });
  }

  /** Connects, logs in, opens a shell with a PTY and resolves once the teleconference is drawn. */
  static async connect(options: CallerOptions): Promise<{ caller: BenchCaller; times: SetupTimes }> {
    const started = performance.now();
    const client = await login(options);
    const authenticatedMs = performance.now() - started;
    try {
      const cols = options.cols ?? SCREEN.cols;
      const rows = options.rows ?? SCREEN.rows;
      const stream = await openShell(client, cols, rows);
      const vt = new Terminal({ cols, rows, scrollback: 0, allowProposedApi: true });
      const caller = new BenchCaller(options.handle, client, stream, vt);
      await caller.until((screen) => isTeleconference(screen, options.handle), READY_TIMEOUT_MS);
      return { caller, times: { authenticatedMs, teleconferenceMs: performance.now() - started } };
    } catch (err) {
      client.end();
      throw err;
    }
  }

  /** A window-change to the board, and this caller's own screen resized to match, as a terminal does. */
  resize(size: { cols: number; rows: number }): void {
    this.vt.resize(size.cols, size.rows);
    this.stream.setWindow(size.rows, size.cols, 0, 0);
  }

  /**
   * Window-changes sent back to back, as a client in a storm sends them, with this caller's own
   * screen resized once, to the last size. Resizing the emulator costs the bench ~0.1 ms a time:
   * 1,200 at once held its event loop ~100 ms, and the lines it was reading for everyone else
   * arrived late by that much, counted against the board. A real client pays that on its own CPU.
   */
  sendWindowChanges(sizes: ReadonlyArray<{ cols: number; rows: number }>): void {
    for (const size of sizes) this.stream.setWindow(size.rows, size.cols, 0, 0);
    const last = sizes.at(-1);
    if (last) this.vt.resize(last.cols, last.rows);
  }

  /** Sends keystrokes as they are ("\r" is Enter). */
  type(keys: string): void {
    this.stream.write(keys);
  }

  /** Sees every parsed screen from now on; returns the function that stops it. */
  watch(watcher: ScreenWatcher): () => void {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  /** Resolves with the arrival time of the chunk after which the screen satisfies `test`. */
  until(test: (screen: ScreenView) => boolean, timeoutMs: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const stop = this.watch((screen, at) => {
        if (!test(screen)) return;
        finish();
        resolve(at);
      });
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`${this.handle}: timed out after ${timeoutMs} ms; the screen shows:\n${this.screen()}`));
      }, timeoutMs);
      const finish = () => {
        stop();
        clearTimeout(timer);
      };
    });
  }

  /** The visible rows, trimmed on the right, joined by newlines. */
  screen(): string {
    return new ScreenView(this.vt).text();
  }

  /** Stops reading: ssh2 buffers up to its window (2 MiB), then stops adjusting it and the board must wait. */
  pause(): void {
    this.stream.pause();
  }

  resume(): void {
    this.stream.resume();
  }

  /** Bytes received but not yet read (while paused). */
  get unreadBytes(): number {
    return this.stream.readableLength;
  }

  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.closeListeners.push(listener);
  }

  /** Hangs up and waits (bounded) for the connection to close. */
  async close(): Promise<void> {
    if (!this.closed) {
      const closed = new Promise<void>((resolve) => this.onClose(resolve));
      this.client.end();
      await Promise.race([closed, delay(CLOSE_TIMEOUT_MS)]);
      if (!this.closed) this.client.destroy();
    }
    this.watchers.clear();
    this.vt.dispose();
  }

  private receive(data: Buffer): void {
    const arrivedAt = performance.now();
    this.bytesReceived += data.length;
    this.vt.write(new Uint8Array(data), () => {
      if (this.watchers.size === 0) return;
      const screen = new ScreenView(this.vt);
      for (const watcher of [...this.watchers]) watcher(screen, arrivedAt);
    });
  }
}

/** The teleconference's title bar: "Node 12 | bench012 | 13 in room | 08:10". */
function isTeleconference(screen: ScreenView, handle: string): boolean {
  const title = screen.row(0);
  return /Node \d+/.test(title) && title.includes(handle) && title.includes('in room');
}

function login(options: CallerOptions): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    client.once('ready', () => resolve(client));
    client.on('error', reject);
    // Nagle off from the first byte. ssh2 writes each packet on its own, so with Nagle on a packet
    // sent right after another (NEWKEYS then SERVICE_REQUEST, the key query then the signed
    // request) waits for the board's delayed ACK of the first: ~40 ms, three times per login.
    // OpenSSH shows no such stall, and turns Nagle off for an interactive session anyway.
    const sock = net.connect({ host: '127.0.0.1', port: options.port, noDelay: true, ...(options.localAddress ? { localAddress: options.localAddress } : {}) });
    const config: ConnectConfig = {
      sock,
      username: options.handle,
      readyTimeout: READY_TIMEOUT_MS,
      hostVerifier: () => true,
      ...(options.privateKey
        ? { privateKey: options.privateKey, authHandler: ['publickey'] }
        : { password: options.password, authHandler: ['password'] }),
    };
    client.connect(config);
  });
}

function openShell(client: Client, cols: number, rows: number): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    client.shell({ cols, rows, term: 'xterm-256color' } as never, (err, stream) => (err ? reject(err) : resolve(stream)));
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
