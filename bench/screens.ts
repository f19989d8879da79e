/**
 * The bench callers' screens, kept in screen threads (./screen-thread.ts), callers spread over
 * them in turn. The main thread reads the sockets and stamps each chunk's arrival; the threads
 * parse. Two threads (one per core here) by default; BENCH_SCREEN_THREADS sets another number.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { batchedSend, unbatch, type Batch } from '../src/cluster/batch.js';
import type { FromScreens, ScreenCondition, ToScreens } from './screen-protocol.js';

export type { ScreenCondition } from './screen-protocol.js';

interface Thread {
  worker: Worker;
  /** Queued in order and posted once per turn of the event loop: a post costs more than a chunk's copy. */
  send: (message: ToScreens) => void;
}

interface Listeners {
  marker: (tag: string, highest: number, at: number) => void;
  held: (wait: number, at: number) => void;
  text: (request: number, text: string) => void;
}

let threads: Thread[] | undefined;
let ready: Promise<unknown> | undefined;
const pongs = new Map<number, () => void>();
let nextPing = 1;
const listeners = new Map<number, Listeners>();
let nextId = 1;

function pool(): Thread[] {
  if (threads) return threads;
  const count = Number(process.env.BENCH_SCREEN_THREADS) || Math.min(2, os.availableParallelism());
  const started: Array<Promise<void>> = [];
  threads = Array.from({ length: count }, () => {
    const worker = new Worker(new URL('./screen-thread.ts', import.meta.url));
    // The screens are the bench's own: they must not keep it alive once it is done.
    worker.unref();
    started.push(new Promise((resolve) => worker.once('message', () => resolve())));
    worker.on('message', (message: FromScreens | Batch<FromScreens>) => unbatch(message).forEach(deliver));
    worker.on('error', (err) => process.stderr.write(`bench: a screen thread failed: ${err.message}\n`));
    return { worker, send: batchedSend<ToScreens>((message) => worker.postMessage(message), () => false) };
  });
  ready = Promise.all(started);
  return threads;
}

/**
 * Resolves once every screen thread has started (~0.2 s, loading the emulator) and has handled
 * everything sent to it so far (opening a crowd's 200 emulators takes ~0.2 s more): a caller's
 * clock starts after this, so no caller counts the bench's own start-up.
 */
export async function screensReady(): Promise<void> {
  const all = pool();
  await ready;
  await Promise.all(
    all.map((thread) => {
      const request = nextPing++;
      return new Promise<void>((resolve) => {
        pongs.set(request, resolve);
        thread.send({ t: 'ping', request });
      });
    }),
  );
}

function deliver(message: FromScreens): void {
  if (message.t === 'ready') return;
  if (message.t === 'pong') {
    pongs.get(message.request)?.();
    pongs.delete(message.request);
    return;
  }
  const screen = listeners.get(message.id);
  if (!screen) return;
  if (message.t === 'marker') screen.marker(message.tag, message.highest, message.at);
  else if (message.t === 'held') screen.held(message.wait, message.at);
  else screen.text(message.request, message.text);
}

/** One caller's screen in a screen thread. */
export class RemoteScreen {
  private readonly id = nextId++;
  private readonly thread: Thread;
  private readonly tags = new Map<string, (highest: number, at: number) => void>();
  private readonly waits = new Map<number, (at: number) => void>();
  private readonly texts = new Map<number, (text: string) => void>();
  private nextRequest = 1;
  private disposed = false;

  constructor(
    public cols: number,
    public rows: number,
  ) {
    const all = pool();
    this.thread = all[this.id % all.length]!;
    listeners.set(this.id, {
      marker: (tag, highest, at) => this.tags.get(tag)?.(highest, at),
      held: (wait, at) => this.waits.get(wait)?.(at),
      text: (request, text) => {
        this.texts.get(request)?.(text);
        this.texts.delete(request);
        if (this.disposed && this.texts.size === 0) listeners.delete(this.id);
      },
    });
    this.thread.send({ t: 'open', id: this.id, cols, rows });
  }

  /** Whether anything is watched: a screen nobody watches need not be parsed yet. */
  get watched(): boolean {
    return this.tags.size > 0 || this.waits.size > 0;
  }

  write(data: Buffer, at: number): void {
    this.thread.send({ t: 'write', id: this.id, data: new Uint8Array(data), at });
  }

  resize(cols: number, rows: number): void {
    this.cols = cols;
    this.rows = rows;
    this.thread.send({ t: 'resize', id: this.id, cols, rows });
  }

  /** `seen` hears the newest `${tag}-NNNN` on the screen each time it grows; returns the function that stops it. */
  watchMarkers(tag: string, seen: (highest: number, at: number) => void): () => void {
    if (this.tags.has(tag)) throw new Error(`bench: the markers ${tag} are watched already on this screen`);
    this.tags.set(tag, seen);
    this.thread.send({ t: 'tag', id: this.id, tag, watch: true });
    return () => {
      if (!this.tags.delete(tag)) return;
      this.thread.send({ t: 'tag', id: this.id, tag, watch: false });
    };
  }

  /** `held` hears once, with the arrival time of the chunk after which the screen holds `condition`. */
  waitFor(condition: ScreenCondition, held: (at: number) => void): () => void {
    const wait = this.nextRequest++;
    this.waits.set(wait, (at) => {
      this.waits.delete(wait);
      held(at);
    });
    this.thread.send({ t: 'wait', id: this.id, wait, condition });
    return () => {
      if (!this.waits.delete(wait)) return;
      this.thread.send({ t: 'wait', id: this.id, wait });
    };
  }

  /** The visible rows, trimmed on the right, once everything written so far is parsed. */
  text(): Promise<string> {
    const request = this.nextRequest++;
    return new Promise((resolve) => {
      this.texts.set(request, resolve);
      this.thread.send({ t: 'text', id: this.id, request });
    });
  }

  /** Text still asked for is answered first: the thread handles messages in order. */
  dispose(): void {
    this.disposed = true;
    this.tags.clear();
    this.waits.clear();
    this.thread.send({ t: 'dispose', id: this.id });
    if (this.texts.size === 0) listeners.delete(this.id);
  }
}
