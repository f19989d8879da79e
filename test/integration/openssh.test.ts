/**
 * End to end with the real OpenSSH client in tmux: what a person's own ssh does.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startBoard, type TestBoard } from '../helpers/board.js';
import { hasTmuxAndSsh, sshInTmux, type TmuxSsh } from '../helpers/tmux.js';

const PASSWORD = 'open sesame 42';
let board: TestBoard | undefined;
const sessions: TmuxSsh[] = [];

afterEach(async () => {
  for (const s of sessions.splice(0)) s.kill();
  await board?.close();
  board = undefined;
});

describe.runIf(hasTmuxAndSsh())('OpenSSH ssh', () => {
  it('registers as new, then logs in with the password', async () => {
    board = await startBoard();
    const reg = sshInTmux(board.port, 'new');
    sessions.push(reg);
    await reg.waitFor('Handle');
    // tmux says TERM=screen or tmux: the form's border must come out as lines, not "lqqqk".
    expect(reg.screen()).toMatch(/[┌│└]/);
    expect(reg.screen()).not.toMatch(/lqqq|qqqk|^\s*x /m);
    reg.type('Zelda', { enter: true });
    reg.type(PASSWORD, { enter: true });
    reg.type(PASSWORD, { enter: true });
    await reg.waitFor(/Node 1|node 1/);
    expect(reg.screen()).not.toContain(PASSWORD);
    expect((await board.board.users.findByHandle('zelda'))?.handle).toBe('Zelda');
    reg.kill();
    await expect.poll(() => board!.board.nodes.inUse()).toBe(0);

    const login = sshInTmux(board.port, 'zelda');
    sessions.push(login);
    await login.waitFor(/[Pp]assword/);
    login.type(PASSWORD, { enter: true });
    await login.waitFor(/Node 1|node 1/);
    await login.waitFor('Zelda');
  });
});
