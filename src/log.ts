/**
 * The one root logger. pino JSON to stdout, or human-readable lines when stdout is a terminal
 * (pino-pretty as a stream in this thread, so nothing is lost on exit). Children per connection
 * are made in ssh/server.ts; nothing here is a module-level singleton.
 */
import pino, { type Logger, type DestinationStream } from 'pino';
import pretty from 'pino-pretty';
import { markControls } from './chat/safe-text.js';

export type { Logger };

/** Belt and braces: secrets are never passed to the logger, but if one ever is, it is censored. */
const REDACT = ['password', '*.password', 'passphrase', '*.passphrase', 'privateKey', '*.privateKey'];

export function createLogger(options: { level: string; destination?: DestinationStream; pretty?: boolean }): Logger {
  const base = { level: options.level, redact: { paths: REDACT, censor: '[redacted]' }, base: { pid: process.pid } };
  if (options.destination) return pino(base, options.destination);
  if (options.pretty ?? process.stdout.isTTY) {
    return pino(base, pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname', sync: true }));
  }
  return pino(base, pino.destination({ dest: 1, sync: true }));
}

/** Untrusted strings (usernames, client idents, TERM) go into logs only truncated and printable. */
export function logSafe(value: unknown, max = 64): string {
  const text = typeof value === 'string' ? value : String(value);
  const printable = markControls(text, '?');
  return printable.length > max ? `${printable.slice(0, max)}…` : printable;
}
