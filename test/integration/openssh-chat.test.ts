/**
 * Two people chatting with their own OpenSSH `ssh`, each in a tmux pane, logged in by the password
 * typed at ssh's prompt.
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
