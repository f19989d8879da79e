/**
 * The primary process of a board with workers. It makes the host keys and runs the database's
 * migrations once, then forks the workers, which share the listening port: the primary accepts
 * each connection and hands it to the next worker in turn (cluster round-robin), and the worker
 * does the SSH work — handshake, encryption, screens. The primary holds the board's authority
 * (./authority.ts) and answers the workers over IPC. A worker that dies is given back its callers'
 * nodes and seats and is replaced; the primary itself does no SSH and draws no screen (it does not
 * even load the screen code: less memory for a process that holds no caller). With metrics on it
 * serves the whole board's (./primary-metrics.ts). When the workers are instances of a board shared
 * through Redis, it gives a dead worker's holdings there back at once (../redis/primary-link.ts).
 */
import cluster, { type Worker } from 'node:cluster';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { SWEEP_MS } from '../ssh/connection-caps.js';
import { loadAndLogHostKeys } from '../ssh/host-keys.js';
import { closeCrashedCalls } from '../store/open-calls.js';
import { openStores } from '../store/open-stores.js';
import { createPasswordHasher } from '../store/passwords.js';
import type { ChatMessage } from '../chat/messages.js';
import type { BoardScrape } from '../metrics/board-scrape.js';
import { connectPrimaryRedis } from '../redis/primary-link.js';
import { createAuthority } from './authority.js';
import { createMetricsCollector } from './metrics-collector.js';
import { startPrimaryMetrics } from './primary-metrics.js';
import { batchedSend, unbatch, type Batch } from './batch.js';
import type { PrimaryMessage, WorkerMessage } from './protocol.js';

export interface Primary {
  /** Resolves once every worker listens; rejects with the sysop's line when one cannot start. */
  readonly listening: Promise<AddressInfo>;
  /** Say goodbye on every worker, wait for them to exit. Idempotent. */
  stop(): Promise<void>;
}

/** A worker could not start; the message is the line to show the sysop as it is. */
export class WorkerStartError extends Error {
  readonly code = 'ERR_BBS_WORKER_START';
}

/** How long workers get to say goodbye before they are killed. */
const STOP_GRACE_MS = 8000;
/** A worker that dies sooner than this after it started is replaced only after as long again. */
const YOUNG_MS = 2000;

export async function startPrimary(config: Readonly<Config>, log: Logger, count: number): Promise<Primary> {
  loadAndLogHostKeys(config.server.keys_dir, log);
  // Opening runs the migrations once, before any worker opens the database too.
  const stores = await openStores(config, { hasher: createPasswordHasher({ maxConcurrent: 1 }), log });
  log.info({ database: stores.describe() }, 'database open');
  try {
    // With room.redis, other instances may share this database and have calls open right now.
    if (!config.room.redis) await closeCrashedCalls(stores.users, log);
  } finally {
    await stores.close();
  }
  return forkWorkers(config, log, count);
}

function forkWorkers(config: Readonly<Config>, log: Logger, count: number): Primary {
  let countLine: (message: ChatMessage) => void = () => undefined;
  const authority = createAuthority(config, Date.now, (message) => countLine(message));
  // Workers that are instances of a board shared through Redis: their holdings there go at their death.
  const redis = config.room.redis ? connectPrimaryRedis(config.room.redis, log) : undefined;
  const collector = createMetricsCollector();
  /** Workers that said they are ready: how to reach each, and its instance in Redis if any. */
  const ready = new Map<number, { send: (message: PrimaryMessage) => void; instance?: string }>();
  let scrape: BoardScrape | undefined;
  const sweep = setInterval(() => authority.expire(), SWEEP_MS);
  sweep.unref();
  cluster.schedulingPolicy = cluster.SCHED_RR;
  let stopping: Promise<void> | undefined;
  let started = false;
  let resolveListening!: (address: AddressInfo) => void;
  let rejectListening!: (err: Error) => void;
  const workersListening = new Promise<AddressInfo>((resolve, reject) => {
    resolveListening = resolve;
    rejectListening = reject;
  });
  const metricsListening = config.metrics.enabled
    ? startPrimaryMetrics(config, {
        authority,
        redis,
        workers: () => collector.collect([...ready.values()].map((w) => w.send)),
        onLine: (count) => (countLine = count),
        log,
      }).then((started) => void (scrape = started))
    : Promise.resolve();
  const listening = Promise.all([workersListening, metricsListening]).then(([address]) => address);
  const waitingFor = new Set<number>();

  function fork(): Worker {
    const worker = cluster.fork();
    const pid = worker.process.pid;
    const bornAt = Date.now();
    if (!started) waitingFor.add(worker.id);
    const send = batchedSend<PrimaryMessage>(
      (message) => {
        if (worker.isConnected()) worker.send(message, () => undefined);
      },
      (message) => message.t === 'reply',
    );
    worker.on('error', (err) => log.debug({ err: err.message, worker: pid }, 'worker channel error'));
    const onMessage = (message: WorkerMessage) => {
      if (message.t === 'ready') {
        authority.addWorker({ id: worker.id, send });
        ready.set(worker.id, { send, instance: message.instance });
      } else if (message.t === 'metrics') collector.answer(message.id, message.snapshot);
      else if (message.t === 'failed') fail(new WorkerStartError(message.message));
      else authority.handle(worker.id, message);
    };
    worker.on('message', (message: WorkerMessage | Batch<WorkerMessage>) => unbatch(message).forEach(onMessage));
    worker.on('listening', (address: AddressInfo) => onListening(worker, address));
    worker.on('exit', (code, signal) => {
      const freed = authority.removeWorker(worker.id);
      const instance = ready.get(worker.id)?.instance;
      ready.delete(worker.id);
      if (stopping) return;
      if (instance && redis) departed(pid, instance);
      log.warn({ worker: pid, code, signal, ...freed }, 'worker died; starting another');
      if (!started) return fail(new WorkerStartError(`Cannot start: a worker stopped while starting (exit ${code ?? signal}).`));
      // One that dies young may die again at once: do not spin.
      const wait = Date.now() - bornAt < YOUNG_MS ? YOUNG_MS : 0;
      setTimeout(() => stopping || fork(), wait);
    });
    log.info({ worker: pid }, 'worker started');
    return worker;
  }

  /** A dead worker's seats, nodes and sessions in Redis are given back now, not at its heartbeat's expiry. */
  function departed(pid: number | undefined, instance: string): void {
    redis!.depart(instance).then(
      (freed) => log.info({ worker: pid, instance, ...freed }, "gave back the dead worker's callers in Redis"),
      (err: unknown) => log.warn({ worker: pid, instance, err: (err as Error).message }, "could not give back the dead worker's callers in Redis (its heartbeat expiry will)"),
    );
  }

  function onListening(worker: Worker, address: AddressInfo): void {
    if (started) return void log.info({ worker: worker.process.pid }, 'worker listening');
    waitingFor.delete(worker.id);
    if (waitingFor.size > 0) return;
    started = true;
    log.info({ host: address.address, port: address.port, nodes: config.connection.max_nodes, workers: count }, `listening on ${address.address}:${address.port}`);
    resolveListening(address);
  }

  function fail(err: Error): void {
    if (started) return void log.error({ err }, 'a worker failed');
    rejectListening(err);
  }

  function stop(): Promise<void> {
    clearInterval(sweep);
    return (stopping ??= stopWorkers().then(async () => {
      await scrape?.close();
      await redis?.close();
    }));
  }

  function stopWorkers(): Promise<void> {
    return new Promise<void>((resolve) => {
      const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
      if (workers.length === 0) return resolve();
      let left = workers.length;
      const killer = setTimeout(() => workers.forEach((w) => w.process.kill('SIGKILL')), STOP_GRACE_MS);
      for (const worker of workers) {
        worker.once('exit', () => {
          if (--left > 0) return;
          clearTimeout(killer);
          resolve();
        });
        if (worker.isConnected()) worker.send({ t: 'shutdown' } satisfies PrimaryMessage, () => undefined);
        else worker.process.kill('SIGKILL');
      }
    });
  }

  for (let i = 0; i < count; i++) fork();
  return { listening, stop };
}
