/**
 * startBoard(): the real board on 127.0.0.1 port 0 with its own temp data and keys folders, and a
 * log captured as parsed JSON lines. close() shuts it down and removes the folders.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { inject } from 'vitest';
import { createBoard, type LocalBoard } from '../../src/board.js';
import { parseConfig, type Config } from '../../src/config.js';

type Overrides = { [S in keyof Config]?: Partial<Config[S]> };

export interface TestBoard {
  board: LocalBoard;
  port: number;
  config: Config;
  dataDir: string;
  keysDir: string;
  /** Every log line so far, parsed. */
  logs(): Array<Record<string, unknown>>;
  /** The raw log text, for "never contains the password" checks. */
  rawLogs(): string;
  close(): Promise<void>;
}

export interface StartOptions {
  lineBusyMs?: number;
  /** The board's clock (default Date.now), e.g. one a test moves on to refill a flood bucket. */
  now?: () => number;
  /**
   * A data folder to use instead of a fresh one; close() leaves it behind, so a second board on
   * the same folder finds what the first one stored.
   */
  dataDir?: string;
}

export async function startBoard(overrides: Overrides = {}, options: StartOptions = {}): Promise<TestBoard> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'bbs-test-'));
  const keysDir = path.join(root, 'keys');
  const dataDir = options.dataDir ?? path.join(root, 'data');
  cpSync(inject('hostKeysDir'), keysDir, { recursive: true });
  const raw = {
    ...overrides,
    server: { host: '127.0.0.1', port: 0, ...overrides.server, keys_dir: keysDir, data_dir: dataDir },
  };
  const config = parseConfig(raw, 'test');
  let text = '';
  const sink = new Writable({
    write(chunk, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  const log = pino({ level: 'debug' }, sink);
  const board = await createBoard(config, { log, now: options.now, lineBusyMs: options.lineBusyMs ?? 60_000 });
  const address = await board.listen();
  return {
    board,
    port: address.port,
    config,
    dataDir,
    keysDir,
    logs: () => text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>),
    rawLogs: () => text,
    async close() {
      await board.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
