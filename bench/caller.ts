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
import ssh2, { type ClientChannel, type ConnectConfig, type ParsedKey, type PublicKeyAuthMethod } from 'ssh2';

const { Terminal } = xterm;
const { Client, utils } = ssh2;

const READY_TIMEOUT_MS = 60_000;
const CLOSE_TIMEOUT_MS = 5_000;
/** Unparsed bytes a deferring caller may hold before it parses them anyway. */
const DEFERRED_MAX_BYTES = 4 * 1024 * 1024;

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

/**
 * A caller ready to dial: its terminal open and its key loaded, as a person's are before they type
 * `ssh`. Made before the clock starts: on this machine the bench's 200 callers share the board's
 * two cores, and making an emulator (~1 ms) and parsing a key (~0.4 ms) each time counted against
 * the board's set-up time, though a real caller pays both on their own machine.
 */
export interface ReadyCaller extends CallerOptions {
  terminal: InstanceType<typeof Terminal>;
  key?: ParsedKey;
}

/** Opens the caller's terminal and loads its key. */
export function readyCaller(options: CallerOptions): ReadyCaller {
  const terminal = new Terminal({ cols: options.cols ?? SCREEN.cols, rows: options.rows ?? SCREEN.rows, scrollback: 0, allowProposedApi: true });
  const parsed = options.privateKey === undefined ? undefined : utils.parseKey(options.privateKey);
  if (parsed instanceof Error) throw parsed;
  return { ...options, terminal, ...(parsed && { key: Array.isArray(parsed) ? parsed[0] : parsed }) };
}

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
  /** Chunks received while deferring, not parsed yet, with their arrival times. */
  private deferred: Array<{ data: Buffer; arrivedAt: number }> | undefined;
  private deferredBytes = 0;

  private constructor(
    readonly handle: string,
    private readonly client: ssh2.Client,
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
  static async connect(options: CallerOptions | ReadyCaller): Promise<{ caller: BenchCaller; times: SetupTimes }> {
    const ready = 'terminal' in options ? options : readyCaller(options);
    const started = performance.now();
    const client = await login(ready);
    const authenticatedMs = performance.now() - started;
    try {
      const vt = ready.terminal;
      const stream = await openShell(client, vt.cols, vt.rows);
      const caller = new BenchCaller(options.handle, client, stream, vt);
      await caller.until((screen) => isTeleconference(screen, options.handle), READY_TIMEOUT_MS);
      return { caller, times: { authenticatedMs, teleconferenceMs: performance.now() - started } };
    } catch (err) {
      client.end();
      ready.terminal.dispose();
      throw err;
    }
  }

  /** A window-change to the board, and this caller's own screen resized to match, as a terminal does. */
  resize(size: { cols: number; rows: number }): void {
    this.parseDeferred();
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
    this.parseDeferred();
    if (last) this.vt.resize(last.cols, last.rows);
  }

  /**
   * From now until catchUp(), chunks are kept and not parsed while nothing watches this screen.
   * While a crowd arrives, every caller already in the room receives every join line: parsing
   * them all took ~25% of the bench's CPU, on the two cores the board's set-up is measured on. A
   * real caller's terminal parses on its own machine; the bytes still arrive, are decrypted and
   * acknowledged as before, and are parsed in order afterwards.
   */
  deferParsing(): void {
    this.deferred ??= [];
  }

  /** Parses what was deferred, in order, and stops deferring; resolves once it is parsed. */
  catchUp(): Promise<void> {
    this.parseDeferred();
    this.deferred = undefined;
    return new Promise((resolve) => this.vt.write('', resolve));
  }

  /** Sends keystrokes as they are ("\r" is Enter). */
  type(keys: string): void {
    this.stream.write(keys);
  }

  /** Sees every parsed screen from now on; returns the function that stops it. */
  watch(watcher: ScreenWatcher): () => void {
    this.parseDeferred();
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
    this.parseDeferred();
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
    if (this.deferred) {
      if (this.watchers.size === 0 && this.deferredBytes + data.length <= DEFERRED_MAX_BYTES) {
        this.deferred.push({ data, arrivedAt });
        this.deferredBytes += data.length;
        return;
      }
      this.parseDeferred();
    }
    this.parse(data, arrivedAt);
  }

  /** Parses the chunks kept so far, in order (still deferring). */
  private parseDeferred(): void {
    for (const { data, arrivedAt } of this.deferred?.splice(0) ?? []) this.parse(data, arrivedAt);
    this.deferredBytes = 0;
  }

  /** Parses one chunk; the watchers see the screen it leaves, with its arrival time. */
  private parse(data: Buffer, arrivedAt: number): void {
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

function login(options: ReadyCaller): Promise<ssh2.Client> {
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
      ...(options.key ? { authHandler: [keyMethod(options.handle, options.key)] } : { password: options.password, authHandler: ['password'] }),
    };
    client.connect(config);
  });
}

/** The loaded key as it is, offered once: ssh2 takes a parsed key in an auth method. */
function keyMethod(username: string, key: ParsedKey): PublicKeyAuthMethod {
  return { type: 'publickey', username, key };
}

function openShell(client: ssh2.Client, cols: number, rows: number): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    client.shell({ cols, rows, term: 'xterm-256color' } as never, (err, stream) => (err ? reject(err) : resolve(stream)));
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
