/**
 * One bench caller: an ssh2 client with a PTY whose output is fed to a headless xterm of the same
 * size, kept in a screen thread (./screens.ts). Screens are read, not raw bytes: blessed redraws
 * only the cells that changed, so a line whose characters partly match what was on screen before
 * never arrives as one run of bytes.
 *
 * Timing is taken when a chunk *arrives*, before it is parsed, so the emulator's own cost does not
 * count against the board: what a screen shows is reported with the arrival time of the chunk
 * that made it show it.
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import ssh2, { type ClientChannel, type ConnectConfig, type ParsedKey, type PublicKeyAuthMethod } from 'ssh2';
import { RemoteScreen, screensReady, type ScreenCondition } from './screens.js';

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
  terminal: RemoteScreen;
  key?: ParsedKey;
}

/** Opens the caller's terminal and loads its key. */
export function readyCaller(options: CallerOptions): ReadyCaller {
  const terminal = new RemoteScreen(options.cols ?? SCREEN.cols, options.rows ?? SCREEN.rows);
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

export class BenchCaller {
  /** Bytes read from the shell channel (what waits unread while paused is not counted yet). */
  bytesReceived = 0;
  closed = false;
  private readonly closeListeners: Array<() => void> = [];
  /** Chunks received while deferring, not parsed yet, with their arrival times. */
  private deferred: Array<{ data: Buffer; arrivedAt: number }> | undefined;
  private deferredBytes = 0;
  /** The stream's own high-water mark (ssh2's: 2 MiB), restored when reading again. */
  private readonly readableMark: number;

  private constructor(
    readonly handle: string,
    private readonly client: ssh2.Client,
    private readonly stream: ClientChannel,
    private readonly vt: RemoteScreen,
  ) {
    this.readableMark = stream.readableHighWaterMark;
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
    await screensReady();
    const started = performance.now();
    const client = await login(ready);
    const authenticatedMs = performance.now() - started;
    try {
      const vt = ready.terminal;
      const stream = await openShell(client, vt.cols, vt.rows);
      const caller = new BenchCaller(options.handle, client, stream, vt);
      await caller.until({ kind: 'teleconference', handle: options.handle }, READY_TIMEOUT_MS);
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
   * screen resized once, to the last size. Resizing the emulator costs ~0.1 ms a time: a real
   * client pays that on its own CPU, and 1,200 at once kept a screen thread from the lines it was
   * parsing for everyone else.
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
  async catchUp(): Promise<void> {
    this.parseDeferred();
    this.deferred = undefined;
    await this.vt.text();
  }

  /** Sends keystrokes as they are ("\r" is Enter). */
  type(keys: string): void {
    this.stream.write(keys);
  }

  /**
   * `seen` hears the highest `${tag}-NNNN` marker on the screen each time it grows, with the
   * arrival time of the chunk that showed it; returns the function that stops it.
   */
  watchMarkers(tag: string, seen: (highest: number, arrivedAt: number) => void): () => void {
    this.parseDeferred();
    return this.vt.watchMarkers(tag, seen);
  }

  /** Resolves with the arrival time of the chunk after which the screen shows `condition`. */
  until(condition: ScreenCondition, timeoutMs: number): Promise<number> {
    this.parseDeferred();
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const stop = this.vt.waitFor(condition, (at) => {
        clearTimeout(timer);
        resolve(at);
      });
      timer = setTimeout(() => {
        stop();
        void this.screen().then((text) => reject(new Error(`${this.handle}: timed out after ${timeoutMs} ms; the screen shows:\n${text}`)));
      }, timeoutMs);
    });
  }

  /** The visible rows, trimmed on the right, joined by newlines. */
  screen(): Promise<string> {
    this.parseDeferred();
    return this.vt.text();
  }

  /**
   * Stops reading. ssh2 still tops the SSH window up until 2 MiB wait in its stream (so the board
   * may send 2 MiB more than the window before it must wait). `asOpenSsh`: the window is no longer
   * topped up from now on, as OpenSSH does for a terminal that takes no more output, and the
   * board must wait once what is left of the window (1 to 2 MiB) is spent.
   */
  pause(options: { asOpenSsh?: boolean } = {}): void {
    // ssh2 tops the window up only while push() returns true, i.e. below the stream's high-water mark.
    if (options.asOpenSsh) readableState(this.stream).highWaterMark = 0;
    this.stream.pause();
  }

  resume(): void {
    readableState(this.stream).highWaterMark = this.readableMark;
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
    this.vt.dispose();
  }

  private receive(data: Buffer): void {
    const arrivedAt = performance.now();
    this.bytesReceived += data.length;
    if (this.deferred) {
      if (!this.vt.watched && this.deferredBytes + data.length <= DEFERRED_MAX_BYTES) {
        this.deferred.push({ data, arrivedAt });
        this.deferredBytes += data.length;
        return;
      }
      this.parseDeferred();
    }
    this.vt.write(data, arrivedAt);
  }

  /** Sends the chunks kept so far to be parsed, in order (still deferring). */
  private parseDeferred(): void {
    for (const { data, arrivedAt } of this.deferred?.splice(0) ?? []) this.vt.write(data, arrivedAt);
    this.deferredBytes = 0;
  }
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

/** Node keeps a readable stream's high-water mark here; the public getter cannot set it. */
function readableState(stream: ClientChannel): { highWaterMark: number } {
  return (stream as unknown as { _readableState: { highWaterMark: number } })._readableState;
}
