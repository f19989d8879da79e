/**
 * The composition root: read config, make the logger, start the board, own the process's signals.
 * With server.workers above 1 this process is the primary and the same file runs in each worker.
 * Start-up failures (bad config, unreadable host key, port in use) print one clear line and exit
 * non-zero; SIGTERM/SIGINT say goodbye to every caller and exit 0.
 */
// First: ssh2 takes crypto.randomFillSync as it loads (see the module).
import './ssh/padding-random.js';
import cluster from 'node:cluster';
import { ConfigError, loadConfig, workerCount } from './config.js';
import { startPrimary, WorkerStartError } from './cluster/primary.js';
import { createLogger } from './log.js';
import { cipherBindingProblem, runtimeProblem } from './runtime.js';

/**
 * blessed falls back to the server's own TERM/TMUX/… for a screen given none (and with TMUX set it
 * runs `tmux -V` for each new screen); callers' TERM is the only one we use.
 */
const SCRUBBED_ENV = ['TERM', 'TERMCAP', 'TERMINFO', 'TERMINFO_DIRS', 'TMUX', 'TMUX_PANE', 'COLUMNS', 'LINES', 'EDITOR', 'VISUAL'];

async function main(): Promise<void> {
  const unsupported = runtimeProblem(process.version);
  if (unsupported) return fail(unsupported, 1);
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) return fail(err.message, 2);
    throw err;
  }
  const log = createLogger({ level: config.log.level });
  for (const name of SCRUBBED_ENV) delete process.env[name];

  process.on('uncaughtException', (err) => {
    log.fatal({ err }, 'uncaught exception');
    log.flush?.();
    process.exit(1);
  });
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection'));
  const describe = (err: unknown) => describeStartupError(err, config.server.host, config.server.port);
  // The board (blessed, the screens) is loaded only where callers are served, not in a primary.
  if (cluster.isWorker) return (await import('./cluster/worker.js')).runWorker(config, log, describe);

  let closeBoard: (() => Promise<void>) | undefined;
  // Ours first: blessed installs SIGTERM/SIGINT handlers that exit 0 when no one else listens.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const forced = setTimeout(() => process.exit(1), 10_000);
    forced.unref();
    void (closeBoard?.() ?? Promise.resolve()).then(() => {
      log.flush?.();
      process.exit(0);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  const slowCiphers = cipherBindingProblem();
  if (slowCiphers) log.warn(slowCiphers);
  const workers = workerCount(config.server);
  try {
    if (workers > 1) {
      const primary = await startPrimary(config, log, workers);
      closeBoard = primary.stop;
      await primary.listening;
    } else if (config.room.redis) {
      const { loadAndLogHostKeys } = await import('./ssh/host-keys.js');
      const { createLocalCounts } = await import('./ssh/connection-caps.js');
      const { admissionLimits } = await import('./ssh/admission.js');
      const { createSharedBoard } = await import('./redis/shared-board.js');
      loadAndLogHostKeys(config.server.keys_dir, log);
      const board = await createSharedBoard(config, { log }, createLocalCounts(admissionLimits(config.connection, config.auth)), { announce: true });
      closeBoard = () => board.close();
      await board.listen();
    } else {
      const { createBoard } = await import('./board.js');
      const board = await createBoard(config, { log });
      closeBoard = () => board.close();
      await board.listen();
    }
  } catch (err) {
    await closeBoard?.();
    return fail(err instanceof WorkerStartError ? err.message : describe(err), 1);
  }
}

function describeStartupError(err: unknown, sshHost: string, sshPort: number): string {
  const e = err as NodeJS.ErrnoException & { port?: number; address?: string };
  // Redis refused this instance (unreachable, other host keys): its message is the line to read.
  if (e.code === 'ERR_BBS_REDIS') return e.message;
  // The metrics endpoint listens too: name whichever listener failed.
  if (e.port !== undefined && e.port !== sshPort) {
    return `Cannot serve metrics on ${e.address}:${e.port} (${e.code ?? e.message}). Set metrics.listen, or turn metrics.enabled off.`;
  }
  const host = sshHost;
  const port = sshPort;
  if (e.code === 'EADDRINUSE') return `Port ${port} on ${host} is already in use. Stop the other program or set server.port (BBS_PORT).`;
  if (e.code === 'EACCES') return `Not allowed to listen on ${host}:${port}. Use a port above 1023 or set server.port (BBS_PORT).`;
  if (e.code === 'EADDRNOTAVAIL') return `${host} is not an address of this machine. Set server.host (BBS_HOST).`;
  return `Cannot start: ${e.message ?? String(err)}`;
}

function fail(message: string, code: number): void {
  process.stderr.write(`ssh-bbs: ${message}\n`);
  process.exit(code);
}

void main();
