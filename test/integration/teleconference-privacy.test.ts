/**
 * Private stays private, and hostile text arrives defanged — through real ssh2 clients. "Never
 * reached carol" is made deterministic with a marker: the room delivers in order, so once carol
 * sees a public line said after the private one, anything meant to reach her before it has. Then
 * both her screen and every byte her stream ever received are checked.
 */
import { describe, expect, it } from 'vitest';
import { occurrences, sayMarker, threeInTheRoom, useRoom, WAIT_MS, type RoomCaller } from '../helpers/room.js';

const room = useRoom();

function neverReached(caller: RoomCaller, text: string): void {
  expect(caller.screen()).not.toContain(text);
  expect(caller.received()).not.toContain(text);
}

describe('/msg', () => {
  it('reaches its two parties only, and rings the receiver’s bell', async () => {
    const { alice, bob, carol } = await threeInTheRoom(room);
    alice.type('/msg bob secret-xyz\r');
    await alice.sees(/^\[\d\d:\d\d\] you → \*bob\*: secret-xyz *$/m);
    await bob.sees(/^\[\d\d:\d\d\] \*alice\* → you: secret-xyz *$/m);

    await sayMarker(alice, [bob, carol], 'after-the-secret');
    neverReached(carol, 'secret-xyz');
    expect(bob.vt.bells).toBe(1);
    expect(alice.vt.bells).toBe(0);
    expect(carol.vt.bells).toBe(0);
  });

  it('explains a /msg to someone who has no account', async () => {
    const { alice } = await threeInTheRoom(room);
    alice.type('/msg zed are you there\r');
    await alice.sees('There is no account called zed.');
  });
});

describe('/r', () => {
  it('replies to whoever wrote last, and says so clearly when no one has', async () => {
    const { alice, bob, carol } = await threeInTheRoom(room);
    bob.type('/r anyone there\r');
    await bob.sees('No one has sent you a private message yet.');

    alice.type('/msg bob ping-from-alice\r');
    await bob.sees('*alice* → you: ping-from-alice');
    bob.type('/r pong-to-alice\r');
    await alice.sees(/^\[\d\d:\d\d\] \*bob\* → you: pong-to-alice *$/m);
    await bob.sees('you → *alice*: pong-to-alice');

    carol.type('/msg bob ping-from-carol\r');
    await bob.sees('*carol* → you: ping-from-carol');
    bob.type('/r pong-to-carol\r');
    await carol.sees('*bob* → you: pong-to-carol');

    await sayMarker(bob, [alice, carol], 'after-the-replies');
    for (const text of ['ping-from-carol', 'pong-to-carol', 'anyone there']) neverReached(alice, text);
    for (const text of ['ping-from-alice', 'pong-to-alice', 'anyone there']) neverReached(carol, text);
  });
});

describe('/page', () => {
  it('rings the paged caller’s bell only', async () => {
    const { alice, bob, carol } = await threeInTheRoom(room);
    alice.type('/page bob\r');
    await bob.sees('alice is paging you!');
    await bob.vt.until(() => bob.vt.bells === 1, 'a bell', WAIT_MS);
    await alice.sees('You page bob.');

    await sayMarker(alice, [bob, carol], 'all-rung');
    expect(bob.vt.bells).toBe(1);
    expect(alice.vt.bells).toBe(0);
    expect(carol.vt.bells).toBe(0);
    neverReached(carol, 'pag'); // neither "paging you" nor "alice pages bob"
  });
});

describe('hostile text', () => {
  /** Clear screen, window title, clipboard write (OSC 52), C1 CSI, a bidi override, blessed tags. */
  const HOSTILE = 'A\x1b[2JB\x1b]0;pwned\x07C\x1b]52;c;ZXZpbA==\x07D\u009b31mE\u202eF{red-fg}x{/red-fg}G';

  // A private message rings the receiver's bell once: the board's BEL, not alice's.
  it.each([
    ['a line', '', 'alice: ', 0],
    ['an action', '/me ', '* alice ', 0],
    ['a private message', '/msg bob ', '*alice* → you: ', 1],
  ])('in %s reaches bob without its escape sequences, and blessed tags stay literal', async (_kind, command, shownAs, bells) => {
    await room.start();
    await room.addUsers(['alice', 'bob']);
    const alice = await room.enter('alice');
    const bob = await room.enter('bob');
    await alice.sees('*** bob has joined the chat ***');
    const from = bob.receivedBytes();

    alice.type(`${command}${HOSTILE}\r`);
    await bob.sees(`${shownAs}A`);
    await sayMarker(alice, [bob], 'after-the-hostile-line');

    expect(bob.screen()).toContain('{red-fg}x{/red-fg}G');
    const raw = bob.received();
    for (const bad of [']52;', ']0;pwned', '\u202e', '\u009b']) expect(raw).not.toContain(bad);
    // Since the line was sent the board drew only rows: no screen clear, no OSC, no bell of alice's.
    const since = bob.received(from);
    for (const bad of ['\x1b[2J', '\x1b]', '\x9b']) expect(since).not.toContain(bad);
    expect(occurrences(since, '\x07')).toBe(bells);
    expect(bob.vt.bells).toBe(bells);
    expect(bob.screen()).toMatch(/^ ssh-bbs +Node 2 \| bob \| 2 in room/);
  });
});
