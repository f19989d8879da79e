/**
 * Nothing typed is lost, through real ssh2 clients: lines over the flood rate wait their turn and
 * arrive in order; a caller who floods past the queue is muted and handed back the line; Ctrl-C
 * clears the line or asks before leaving; a newcomer hears of a taken handle or a full board before
 * typing passwords; input past the terminal's byte budget is reported, not silently dropped.
 */
import { describe, expect, it } from 'vitest';
import { connectCaller } from '../helpers/caller.js';
import { occurrences, useRoom, WAIT_MS } from '../helpers/room.js';
import { INPUT_DROPPED_NOTICE } from '../../src/ssh/terminal.js';

const room = useRoom();
const SLOW = 'your lines go out one by one, in order.';

describe('the flood queue', () => {
  it('sends every line of a fast burst, in order, with one notice', async () => {
    await room.start({ chat: { flood_burst: 3, flood_per_second: 20, flood_queue: 10 } });
    await room.addUsers(['alice', 'bob']);
    const alice = await room.enter('alice');
    const bob = await room.enter('bob');
    await alice.sees('*** bob has joined the chat ***');

    alice.type([1, 2, 3, 4, 5, 6, 7, 8].map((n) => `burst-${n}\r`).join(''));
    await bob.sees('alice: burst-8');
    const rows = bob.screen().split('\n').filter((row) => row.includes('alice: burst-'));
    expect(rows.map((row) => row.replace(/^.*alice: /, '').trim())).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((n) => `burst-${n}`));
    await alice.sees('alice: burst-8');
    expect(occurrences(alice.screen(), SLOW)).toBe(1);
    expect(bob.screen()).not.toContain(SLOW);
  });

  it('mutes a caller who floods past the queue and hands the line back', async () => {
    await room.start({ chat: { flood_burst: 2, flood_per_second: 0.1, flood_queue: 2, flood_mute_minutes: 3 } });
    await room.addUsers(['alice', 'bob']);
    const alice = await room.enter('alice');
    const bob = await room.enter('bob');
    await alice.sees('*** bob has joined the chat ***');

    alice.type([1, 2, 3, 4, 5].map((n) => `burst-${n}\r`).join(''));
    await alice.sees('You kept typing too fast: you are muted for 3 minutes. Not sent: burst-5');
    await bob.sees('alice: burst-2');
    expect(bob.screen()).not.toContain('burst-5');
  });
});

describe('Ctrl-C', () => {
  it('clears a half-typed line, asks before leaving, and y leaves', async () => {
    await room.start();
    await room.addUsers(['alice', 'bob']);
    const alice = await room.enter('alice');
    const bob = await room.enter('bob');
    alice.type('half a thought\x03');
    await alice.vt.until(() => !alice.screen().includes('half a thought'), 'the line cleared', WAIT_MS);
    alice.type('\x03');
    await alice.sees('Leave the board? y/N');
    alice.type('n');
    alice.type('still-here\r');
    await bob.sees('alice: still-here');
    alice.type('\x03y');
    await alice.closed;
    await bob.sees('*** alice has left the chat ***');
  });
});

describe('a newcomer', () => {
  it('hears that a handle is taken as soon as it is typed', async () => {
    await room.start();
    await room.addUsers(['bob']);
    const caller = await connectCaller(room.board.port, { username: 'new' });
    await caller.waitFor('Handle', WAIT_MS);
    caller.type('Bob\r');
    await caller.waitFor('The handle "Bob" is taken.', WAIT_MS);
    caller.client.destroy();
  });

  it('hears that every line is busy before the form', async () => {
    await room.start({ connection: { max_nodes: 1 } }, { lineBusyMs: 60_000 });
    await room.addUsers(['alice']);
    await room.enter('alice');
    const caller = await connectCaller(room.board.port, { username: 'new' });
    await caller.waitFor('The line of', WAIT_MS);
    expect(caller.screen()).not.toContain('Handle');
    caller.client.destroy();
  });
});

describe('waiting outside a full room', () => {
  it('keeps what is typed, shows the count, says when a seat frees, and can be reached privately', async () => {
    await room.start({ chat: { capacity: 1 } });
    await room.addUsers(['alice', 'bob']);
    const alice = await room.enter('alice');
    const bob = await room.call('bob');
    await bob.sees('Chat room is at capacity.');
    await bob.sees('| 1 in room |');
    bob.type('hello from outside\r');
    await bob.sees('your line will be said when you get in (1 waiting).');

    alice.type('/msg bob hang on\r');
    await bob.sees('*alice* → you: hang on');
    alice.type('/page bob\r');
    await bob.sees('alice is paging you!');

    alice.type('/quit\r');
    await bob.sees('A seat in the room is free: press Enter to come in.');
    await bob.sees('| 0 in room |');
    bob.type('\r');
    await bob.sees('*** bob has joined the chat ***');
    await bob.sees(/\] bob: hello from outside/);
  });
});

describe('an idle caller', () => {
  it('is warned, then hung up on, and the node is free again', async () => {
    await room.start({ connection: { idle_minutes: 0.05 } });
    await room.addUsers(['alice']);
    const alice = await room.enter('alice');
    await alice.sees('You have been idle a long while');
    await alice.closed;
    expect(alice.received()).toContain('You were idle too long. Goodbye, alice.');
    await expect.poll(() => room.board.board.nodes.inUse()).toBe(0);
  });
});

describe('input past the byte budget', () => {
  it('is reported once on the caller’s screen and logged; the line typed after it arrives', async () => {
    await room.start();
    await room.addUsers(['alice', 'bob']);
    const alice = await room.enter('alice', { cols: 200 });
    const bob = await room.enter('bob');
    // 20 KB in one write: past the 8 KB burst (and no bracketed paste around it).
    alice.type('x'.repeat(20 * 1024));
    await alice.sees(INPUT_DROPPED_NOTICE);
    alice.type('\x03typed after the flood\r');
    await bob.sees('alice: typed after the flood');
    expect(occurrences(alice.screen(), INPUT_DROPPED_NOTICE)).toBe(1);
    expect(room.board.logs().filter((l) => l.msg === 'input over its byte budget; dropped')).toHaveLength(1);
  });

  it('is reported on the registration form too, and the form goes on', async () => {
    await room.start();
    const caller = await connectCaller(room.board.port, { username: 'new' });
    await caller.waitFor('Handle', WAIT_MS);
    caller.type('x'.repeat(20 * 1024));
    // The form wraps the notice over three rows of at most 60 columns: read it back as one line.
    const notice = () => caller.screen().split('\n').map((row) => row.replace(/[│|]/g, '').trim()).filter((row) => row !== '').join(' ');
    await expect.poll(notice, { timeout: WAIT_MS }).toContain(INPUT_DROPPED_NOTICE);
    expect(room.board.logs().filter((l) => l.msg === 'input over its byte budget; dropped')).toHaveLength(1);
    // The handle field kept its first 16 characters; Enter takes it, clears the notice and asks for the password.
    caller.type('\r');
    await expect.poll(notice, { timeout: WAIT_MS }).not.toContain('Part of what you sent');
    expect(caller.screen()).toContain('xxxxxxxxxxxxxxxx');
    caller.client.destroy();
  });
});
