/**
 * A store that fails (its database gone) costs the caller a refused login, told politely the way
 * SSH refuses, and the board a logged error; never an unhandled rejection or a crashed board. The
 * room keeps talking when its history cannot be kept.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startBoard, type TestBoard } from '../helpers/board.js';
import { connectCaller, connectClient } from '../helpers/caller.js';
import { generateKeyPair } from '../../src/keys/generate.js';

const PASSWORD = 'correct horse battery';
let board: TestBoard | undefined;

afterEach(async () => {
  await board?.close();
  board = undefined;
});

const failures = () => board!.logs().filter((line) => line.msg === 'authentication failed unexpectedly' && line.level === 50);

describe('a store that fails during login', () => {
  it('refuses password, keyboard-interactive and key logins, logs each, and the board goes on', async () => {
    board = await startBoard();
    const key = generateKeyPair('ed25519');
    await board.board.users.create({ handle: 'alice', password: PASSWORD });
    await board.board.stores.close();
    for (const authHandler of [['password'], ['keyboard-interactive']] as const) {
      await expect(connectClient(board.port, { username: 'alice', password: PASSWORD, authHandler: [...authHandler] })).rejects.toThrow(
        /authentication methods failed/,
      );
    }
    await expect(connectClient(board.port, { username: 'alice', privateKey: key.private, authHandler: ['publickey'] })).rejects.toThrow(
      /authentication methods failed/,
    );
    expect(failures()).toHaveLength(3);
    expect(board.rawLogs()).not.toContain(PASSWORD);
  });
});

describe('a store that fails while callers talk', () => {
  it('still delivers their lines, and logs that the history was not kept', async () => {
    board = await startBoard();
    await board.board.users.create({ handle: 'alice', password: PASSWORD });
    const alice = await connectCaller(board.port, { username: 'alice', password: PASSWORD });
    await alice.waitFor('*** alice has joined the chat ***');
    await board.board.stores.close();
    alice.type('still heard\r');
    await alice.waitFor('alice: still heard');
    await expect.poll(() => board!.logs().some((line) => line.msg === 'could not save chat history' && line.level === 50)).toBe(true);
    alice.end();
    await alice.closed;
  });
});
