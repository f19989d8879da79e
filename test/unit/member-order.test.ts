/**
 * A caller's lines are answered in the order typed, even when one waits for the directory (the
 * store may be a server away); a directory that fails is told to the caller and reported; and
 * /passwd never waits, so the password typed right after it is never read as a line for the room.
 */
import { describe, expect, it } from 'vitest';
import { FAILED } from '../../src/chat/member.js';
import { makeBoard } from '../helpers/member-board.js';

describe('member: lines that wait for the directory', () => {
  it('hold the lines typed after them, so the replies keep the order of the lines', async () => {
    const board = makeBoard();
    const [alice, bob] = await board.enterAll('alice', 'bob');
    board.addAccount('dave');
    const first = alice!.member.input('/msg dave see you');
    const second = alice!.member.input('hello room');
    const third = alice!.member.input('/whois dave');
    expect(bob!.texts()).toEqual([]);
    await Promise.all([first, second, third]);
    expect(alice!.texts()[0]).toBe('-- dave is not on the board: your message will be delivered at their next call.');
    expect(alice!.texts()[1]).toBe('alice: hello room');
    expect(alice!.texts()[2]).toMatch(/^-- dave/);
    expect(bob!.texts()).toEqual(['alice: hello room']);
  });

  it('tell the caller when the directory fails, report it, and go on with the next line', async () => {
    const board = makeBoard();
    const [alice, bob] = await board.enterAll('alice', 'bob');
    const lost = new Error('database gone');
    board.failDirectory(lost);
    const failing = alice!.member.input('/msg dave anyone?');
    const next = alice!.member.input('still here');
    await expect(failing).resolves.toBeUndefined();
    await next;
    expect(alice!.texts()).toEqual([`-- ${FAILED}`, 'alice: still here']);
    expect(alice!.state.errors).toEqual([lost]);
    board.failDirectory(undefined);
    await alice!.member.input('/whois bob');
    expect(alice!.texts().length).toBeGreaterThan(2);
    expect(bob!.texts()).toEqual(['alice: still here']);
  });

  it('never hold /passwd: the account command is asked for at once', async () => {
    const board = makeBoard();
    const [alice] = await board.enterAll('alice');
    board.addAccount('dave');
    const waiting = alice!.member.input('/msg dave later');
    void alice!.member.input('/passwd');
    expect(alice!.state.account).toEqual([{ kind: 'passwd' }]);
    await waiting;
  });
});
