/**
 * One worker process of a board with workers: the same board as a single process, its authority
 * reached through the primary (./worker-links.ts). It listens on the shared port, says goodbye to
 * its callers and exits when the primary says so, and does the same if the primary goes away.
 */
import cluster from 'node:cluster';
import type { Logger } from 'pino';
import { createBoardWorker, type Board } from '../board.js';
import type { Config } from '../config.js';
import { batchedSend, unbatch, type Batch } from './batch.js';
import type { PrimaryMessage, WorkerMessage } from './protocol.js';
import { createWorkerLinks } from './worker-links.js';

export async function runWorker(config: Readonly<Config>, log: Logger, describeError: (err: unknown) => string): Promise<void> {
  // Once the primary is gone, a send would raise ERR_IPC_CHANNEL_CLOSED as an uncaught 'error'.
  const send = batchedSend<WorkerMessage>(
    (message) => {
      if (process.connected) process.send?.(message, undefined, {}, () => undefined);
    },
    (message) => message.t === 'ask',
  );
  const onPrimary = (listener: (message: PrimaryMessage) => void) =>
    process.on('message', (message: PrimaryMessage | Batch<PrimaryMessage>) => unbatch(message).forEach(listener));
  const links = createWorkerLinks({ send, onMessage: onPrimary }, config.connection.max_nodes);
  let board: Board | undefined;
  let closing = false;
  const close = (why: string) => {
    if (closing) return;
    closing = true;
    log.info({ why }, 'worker stopping');
    void (board?.close() ?? Promise.resolve()).then(() => {
      log.flush?.();
      process.exit(0);
    });
  };
  onPrimary((message) => {
    if (message.t === 'shutdown') close('shutdown');
    if (message.t === 'metrics') void board?.metricsSnapshot().then((snapshot) => send({ t: 'metrics', id: message.id, snapshot }));
  });
  process.on('disconnect', () => close('primary gone'));
  // The primary decides when the board stops: a Ctrl-C reaches the whole process group, and the
  // primary then tells each worker. A SIGTERM sent to this worker alone ends it (it is replaced).
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => close('SIGTERM'));

  // Its process metrics are told apart from the other workers' by this name; the primary serves them.
  const options = { announce: false, metricsProcess: `worker${cluster.worker?.id ?? process.pid}` };
  try {
    // With Redis each worker is an instance of the shared board (the Redis client is loaded only
    // then); its primary still holds the front door's admission.
    let instance: string | undefined;
    if (config.room.redis) {
      const { createSharedBoard } = await import('../redis/shared-board.js');
      const shared = await createSharedBoard(config, { log }, links.counts, options);
      board = shared;
      instance = shared.instance;
    } else {
      board = await createBoardWorker(config, { log }, links, options);
    }
    send({ t: 'ready', instance });
    await board.listen();
  } catch (err) {
    // Exit once the line has reached the primary: it is the one the sysop reads.
    if (!process.send?.({ t: 'failed', message: describeError(err) } satisfies WorkerMessage, () => process.exit(1))) process.exit(1);
  }
}
