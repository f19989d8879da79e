/**
 * The teleconference through real ssh2 clients: one board per test, accounts made in its store,
 * callers logged in by password, and everything each caller's stream ever received kept as bytes,
 * so a test can say "this never reached that terminal" about more than the visible screen.
 * useRoom() registers the cleanup (callers hung up, boards closed) after each test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import type { Role } from '../../src/store/store.js';
import { startBoard, type StartOptions, type TestBoard } from './board.js';
import { connectCaller, type Caller, type CallerOptions } from './caller.js';

export const PASSWORD = 'correct horse battery';
/** Generous: the machine has 2 cores shared with other work. */
export const WAIT_MS = 20_000;

export interface RoomCaller extends Caller {
  readonly handle: string;
  /** Resolves when the screen shows `text`; rejects after WAIT_MS with what it does show. */
  sees(text: string | RegExp): Promise<void>;
  /** What the stream delivered so far, from byte `from` on, decoded (for "never received" checks). */
  received(from?: number): string;
  /** Bytes the stream delivered so far. */
  receivedBytes(): number;
}

type CallOptions = Omit<CallerOptions, 'username' | 'password'>;

export interface Room {
  /** The board started last. */
  readonly board: TestBoard;
  start(overrides?: Parameters<typeof startBoard>[0], options?: StartOptions): Promise<TestBoard>;
  /** A data folder that outlives one board (removed after the test, once every board is closed). */
  dataDir(): string;
  /** Accounts with PASSWORD. */
  addUsers(handles: string[], role?: Role): Promise<void>;
  /** Logs `handle` in by password; returns once the shell is open. */
  call(handle: string, options?: CallOptions): Promise<RoomCaller>;
  /** Logs `handle` in and waits until they see their own arrival in the room. */
  enter(handle: string, options?: CallOptions): Promise<RoomCaller>;
}

export function useRoom(): Room {
  const boards: TestBoard[] = [];
  const callers: Caller[] = [];
  const folders: string[] = [];

  afterEach(async () => {
    for (const caller of callers.splice(0)) caller.client.destroy();
    for (const board of boards.splice(0)) await board.close();
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });

  const room: Room = {
    get board() {
      const board = boards[boards.length - 1];
      if (!board) throw new Error('start() a board first');
      return board;
    },
    async start(overrides = {}, options = {}) {
      const board = await startBoard(overrides, options);
      boards.push(board);
      return board;
    },
    dataDir() {
      const folder = mkdtempSync(path.join(os.tmpdir(), 'bbs-test-data-'));
      folders.push(folder);
      return folder;
    },
    async addUsers(handles, role = 'user') {
      for (const handle of handles) await room.board.board.users.create({ handle, password: PASSWORD, role });
    },
    async call(handle, options = {}) {
      const caller = await connectCaller(room.board.port, { ...options, username: handle, password: PASSWORD });
      callers.push(caller);
      return withRecording(caller, handle);
    },
    async enter(handle, options = {}) {
      const caller = await room.call(handle, options);
      await caller.sees(`*** ${handle} has joined the chat ***`);
      return caller;
    },
  };
  return room;
}

function withRecording(caller: Caller, handle: string): RoomCaller {
  const chunks: Buffer[] = [];
  let bytes = 0;
  caller.stream.on('data', (data: Buffer) => {
    chunks.push(data);
    bytes += data.length;
  });
  return {
    ...caller,
    handle,
    sees: (text) => caller.waitFor(text, WAIT_MS),
    received: (from = 0) => Buffer.concat(chunks).subarray(from).toString('utf8'),
    receivedBytes: () => bytes,
  };
}

/** How many times `needle` occurs in `text`. */
/** A fresh board with alice, bob and carol in the room, each having seen everyone arrive. */
export async function threeInTheRoom(room: Room): Promise<{ alice: RoomCaller; bob: RoomCaller; carol: RoomCaller }> {
  await room.start();
  await room.addUsers(['alice', 'bob', 'carol']);
  const alice = await room.enter('alice');
  const bob = await room.enter('bob');
  const carol = await room.enter('carol');
  await Promise.all([alice, bob].map((caller) => caller.sees('*** carol has joined the chat ***')));
  return { alice, bob, carol };
}

export function occurrences(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

/**
 * `from` says `marker` and every one of `to` sees it. The room delivers in order, so whatever was
 * going to reach them before the marker has reached them once they see it.
 */
export async function sayMarker(from: RoomCaller, to: RoomCaller[], marker: string): Promise<void> {
  from.type(`${marker}\r`);
  await Promise.all([from, ...to].map((caller) => caller.sees(`: ${marker}`)));
}
