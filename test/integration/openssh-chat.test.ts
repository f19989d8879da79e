/**
 * Two people chatting with their own OpenSSH `ssh`, each in a tmux pane, logged in by the password
 * typed at ssh's prompt; pasting a paragraph and pressing Ctrl-C half-way through a sentence, as a
 * person does, loses nothing they typed or pasted.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startBoard, type TestBoard } from '../helpers/board.js';
import { hasTmuxAndSsh, sshInTmux, type TmuxSsh } from '../helpers/tmux.js';

const PASSWORD = 'open sesame 42';
let board: TestBoard | undefined;
const panes: TmuxSsh[] = [];

afterEach(async () => {
  for (const pane of panes.splice(0)) pane.kill();
  await board?.close();
  board = undefined;
});

async function logIn(port: number, handle: string): Promise<TmuxSsh> {
  const pane = sshInTmux(port, handle);
  panes.push(pane);
  await pane.waitFor(/[Pp]assword/);
  pane.type(PASSWORD, { enter: true });
  await pane.waitFor(`*** ${handle} has joined the chat ***`);
  return pane;
}

describe.runIf(hasTmuxAndSsh())('OpenSSH ssh in the teleconference', () => {
  it('alice and bob talk to each other, then /quit ends both calls', async () => {
    board = await startBoard();
    for (const handle of ['alice', 'bob']) await board.board.users.create({ handle, password: PASSWORD });
    const alice = await logIn(board.port, 'alice');
    const bob = await logIn(board.port, 'bob');
    await alice.waitFor('*** bob has joined the chat ***');

    alice.type('hello from alice', { enter: true });
    await bob.waitFor(/\[\d\d:\d\d\] alice: hello from alice/);
    bob.type('hi alice, bob here', { enter: true });
    await alice.waitFor(/\[\d\d:\d\d\] bob: hi alice, bob here/);

    alice.type('/quit', { enter: true });
    await bob.waitFor('*** alice has left the chat ***');
    bob.type('/quit', { enter: true });
    await expect.poll(() => board!.board.nodes.inUse(), { timeout: 20_000 }).toBe(0);
    expect(board.board.room.participantCount()).toBe(0);
    // ssh exits when the board hangs up, and its tmux pane closes with it.
    for (const pane of [alice, bob]) await expect.poll(() => pane.screen(), { timeout: 20_000 }).toBe('');
  });
});

describe.runIf(hasTmuxAndSsh())('OpenSSH ssh: pastes and Ctrl-C', () => {
  it('a pasted six-line paragraph is one message under one header, every line kept', async () => {
    board = await startBoard({ chat: { flood_burst: 2, flood_per_second: 0.1 } });
    for (const handle of ['alice', 'bob']) await board.board.users.create({ handle, password: PASSWORD });
    const alice = await logIn(board.port, 'alice');
    const bob = await logIn(board.port, 'bob');
    await alice.waitFor('*** bob has joined the chat ***');

    alice.paste(['para-1 first', 'para-2', 'para-3', 'para-4', 'para-5', 'para-6 last'].join('\n'));
    await bob.waitFor(/para-6 last/);
    expect(bob.screen()).toMatch(/\[\d\d:\d\d\] alice: para-1 first\n {4}para-2\n {4}para-3\n {4}para-4\n {4}para-5\n {4}para-6 last/);
    expect(bob.screen().match(/alice:/g)).toHaveLength(1);
  });

  it('a paste over the size limit is refused with the limit, not cut', async () => {
    board = await startBoard({ chat: { max_message_length: 100 } });
    await board.board.users.create({ handle: 'alice', password: PASSWORD });
    const alice = await logIn(board.port, 'alice');
    alice.paste('x'.repeat(150));
    await alice.waitFor('Your paste was not sent (1 line, 150 characters).');
    await alice.waitFor('Limit: 20 lines of 100 characters.');
    expect(alice.screen()).not.toContain('xxxxx');
  });

  it('Ctrl-C clears the line and asks before leaving', async () => {
    board = await startBoard();
    for (const handle of ['alice', 'bob']) await board.board.users.create({ handle, password: PASSWORD });
    const alice = await logIn(board.port, 'alice');
    const bob = await logIn(board.port, 'bob');
    alice.type('half a sentence');
    await alice.waitFor('half a sentence');
    alice.key('C-c');
    await expect.poll(() => alice.screen(), { timeout: 20_000 }).not.toContain('half a sentence');
    alice.key('C-c');
    await alice.waitFor('Leave the board? y/N');
    alice.type('y');
    await bob.waitFor('*** alice has left the chat ***');
  });
});

describe.runIf(hasTmuxAndSsh())('OpenSSH ssh outside a full room', () => {
  it('keeps what the waiting caller types and lets them in when a seat frees', async () => {
    board = await startBoard({ chat: { capacity: 1 } });
    for (const handle of ['alice', 'bob']) await board.board.users.create({ handle, password: PASSWORD });
    const alice = await logIn(board.port, 'alice');
    const bob = sshInTmux(board.port, 'bob');
    panes.push(bob);
    await bob.waitFor(/[Pp]assword/);
    bob.type(PASSWORD, { enter: true });
    await bob.waitFor('Chat room is at capacity.');
    bob.type('typed while waiting', { enter: true });
    await bob.waitFor('your line will be said when you get in (1 waiting).');
    alice.type('/quit', { enter: true });
    await bob.waitFor('A seat in the room is free: press Enter to come in.');
    bob.key('Enter');
    await bob.waitFor(/\[\d\d:\d\d\] bob: typed while waiting/);
  });
});
