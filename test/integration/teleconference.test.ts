/**
 * The teleconference through real ssh2 clients, each logged in by password: what one caller says
 * and how the others see it, the commands, arrivals and departures, a full room, a resized
 * terminal, the sysop's announcements and the flood gate. Screens are read through a headless
 * terminal emulator; every wait is on what a screen shows or on the board's state.
 */
import { describe, expect, it } from 'vitest';
import { occurrences, sayMarker, threeInTheRoom, useRoom, WAIT_MS, type RoomCaller } from '../helpers/room.js';

const room = useRoom();
const nodes = () => room.board.board.nodes.inUse();
const seated = () => room.board.board.room.participantCount();

/** `[HH:MM] ` then `rest`, alone on its row (blessed pads rows with spaces). */
function stamped(rest: string): RegExp {
  return new RegExp(`^\\[\\d\\d:\\d\\d\\] ${rest} *$`, 'm');
}

/** alice and bob in the room, each having seen the other arrive. */
async function aliceAndBob(): Promise<{ alice: RoomCaller; bob: RoomCaller }> {
  await room.start();
  await room.addUsers(['alice', 'bob']);
  const alice = await room.enter('alice');
  const bob = await room.enter('bob');
  await alice.sees('*** bob has joined the chat ***');
  return { alice, bob };
}

describe('talking', () => {
  it('a line alice says reaches bob as "[HH:MM] alice: text" and shows once on her own screen', async () => {
    const { alice, bob } = await aliceAndBob();
    alice.type('hello\r');
    await bob.sees(stamped('alice: hello'));
    await alice.sees(stamped('alice: hello'));
    expect(occurrences(alice.screen(), 'alice: hello')).toBe(1);
    expect(occurrences(bob.screen(), 'alice: hello')).toBe(1);
  });

  it('/me waves shows "* alice waves" on both screens, without a timestamp', async () => {
    const { alice, bob } = await aliceAndBob();
    alice.type('/me waves\r');
    for (const caller of [alice, bob]) await caller.sees(/^\* alice waves *$/m);
  });
});

describe('commands', () => {
  it('/who lists the handles with their nodes', async () => {
    const { bob } = await aliceAndBob();
    bob.type('/who\r');
    await bob.sees('In the room (2):');
    await bob.sees(/^ {2}alice {2}node 1 *$/m);
    await bob.sees(/^ {2}bob {4}node 2 *$/m);
  });

  it('/help lists the commands, without the sysop-only ones', async () => {
    await room.start();
    await room.addUsers(['bob']);
    // Tall enough for the whole list at once.
    const bob = await room.enter('bob', { cols: 100, rows: 50 });
    bob.type('/help\r');
    await bob.sees(/^\/\/<text> +— /m);
    for (const command of ['/me', '/msg', '/r', '/page', '/who', '/help', '/quit']) {
      expect(bob.screen()).toMatch(new RegExp(`^${command}\\b.* — `, 'm'));
    }
    expect(bob.screen()).not.toContain('/announce');
  });

  it('an unknown command is answered with a pointer to /help, for the typist only', async () => {
    const { alice, bob } = await aliceAndBob();
    bob.type('/dance\r');
    await bob.sees('Unknown command. Type /help for available commands.');
    await sayMarker(bob, [alice], 'after-the-dance');
    expect(alice.screen()).not.toContain('Unknown command');
    expect(alice.screen()).not.toContain('/dance');
  });
});

describe('arrivals and departures', () => {
  it('announces each join and leave exactly once, also for a connection that just drops', async () => {
    const { alice, bob, carol } = await threeInTheRoom(room);

    carol.type('/quit\r');
    await carol.closed;
    await Promise.all([alice, bob].map((caller) => caller.sees('*** carol has left the chat ***')));

    bob.client.destroy(); // no /quit, no goodbye: the connection is simply gone
    await alice.sees('*** bob has left the chat ***');
    await expect.poll(nodes, { timeout: WAIT_MS }).toBe(1);
    expect(seated()).toBe(1);

    // The room delivers in order: once alice sees her marker, a second "has left" would be there too.
    await sayMarker(alice, [], 'after-the-drop');
    const screen = alice.screen();
    for (const handle of ['bob', 'carol']) {
      expect(occurrences(screen, `*** ${handle} has joined the chat ***`)).toBe(1);
      expect(occurrences(screen, `*** ${handle} has left the chat ***`)).toBe(1);
    }
    expect(occurrences(bob.screen(), '*** carol has left the chat ***')).toBe(1);
  });

  it('welcomes a newcomer to a long room with the first names and a count of the rest', async () => {
    await room.start();
    // Handles of 16 characters (the most there may be): five fill the welcome's 100 columns of names.
    const crowd = Array.from({ length: 7 }, (_, i) => `caller_number_${String(i + 1).padStart(2, '0')}`);
    await room.addUsers([...crowd, 'newcomer']);
    for (const handle of crowd) await room.enter(handle);
    const newcomer = await room.enter('newcomer');
    await newcomer.sees(/In the room: caller_number_01, caller_number_02,\s+caller_number_03,\s+caller_number_04,\s+caller_number_05\s+and\s+2\s+others\s+\(\/who\s+lists\s+everyone\)\./);
    expect(newcomer.screen()).not.toMatch(/In the room:[^.]*caller_number_06/);
  });

  it('/quit says goodbye with the time on the board, hangs up and frees the node and the seat', async () => {
    const { alice, bob } = await aliceAndBob();
    expect(nodes()).toBe(2);
    alice.type('/quit\r');
    await alice.sees(/Goodbye, alice\. You were on for \d+s\. Thanks for calling ssh-bbs!/);
    await alice.closed;
    await bob.sees('*** alice has left the chat ***');
    await expect.poll(nodes, { timeout: WAIT_MS }).toBe(1);
    expect(seated()).toBe(1);
    expect(room.board.board.room.isInChat(String((await room.board.board.users.findByHandle('alice'))!.id))).toBe(false);
  });
});

describe('a full room', () => {
  const FULL = 'Chat room is at capacity. Please try again later. Press Enter to try again, or type /quit.';

  it('tells the next caller so, lets them retry with Enter once a seat is free, and /quit works outside', async () => {
    await room.start({ chat: { capacity: 1 } });
    await room.addUsers(['alice', 'bob', 'carol']);
    const alice = await room.enter('alice');
    alice.type('said-while-full\r');
    await alice.sees('alice: said-while-full');

    // 100 columns: the whole notice on one row.
    const bob = await room.call('bob', { cols: 100 });
    await bob.sees(FULL);
    bob.type('\r');
    await bob.vt.until(() => occurrences(bob.screen(), FULL) === 2, 'a second "at capacity"', WAIT_MS);

    const carol = await room.call('carol', { cols: 100 });
    await carol.sees(FULL);
    carol.type('/quit\r');
    await carol.sees('Goodbye, carol.');
    await carol.closed;
    await expect.poll(nodes, { timeout: WAIT_MS }).toBe(2);

    alice.type('/quit\r');
    await alice.closed;
    await expect.poll(seated, { timeout: WAIT_MS }).toBe(0);
    bob.type('\r');
    await bob.sees('*** bob has joined the chat ***');
    await bob.sees('--- earlier messages ---');
    await bob.sees('alice: said-while-full');
    await bob.sees('bob | 1 in room');
    expect(seated()).toBe(1);
  });
});

describe('resizing', () => {
  /** Title on the first row, the newest line at the bottom of the log, the prompt on the last row. */
  function laidOut(caller: RoomCaller, title: string, newest: string): boolean {
    const rows = caller.vt.lines();
    const n = rows.length;
    return rows[0]!.includes(title) && rows[n - 3]!.includes(newest) && rows[n - 1]!.startsWith('>');
  }

  it('re-lays out the title, the newest line and the prompt for 40×12, then 120×40', async () => {
    const { alice, bob } = await aliceAndBob();
    alice.type('before-the-resize\r');
    await bob.sees('alice: before-the-resize');

    bob.resize(40, 12);
    // 40 columns leave no room for the node number; handle, head count and clock stay.
    await bob.vt.until(() => laidOut(bob, 'bob | 2 in room', 'alice: before-the-resize'), '40×12 layout', WAIT_MS);
    alice.type('at-40-columns\r');
    await bob.vt.until(() => laidOut(bob, 'bob | 2 in room', 'alice: at-40-columns'), 'a new line at 40×12', WAIT_MS);

    bob.resize(120, 40);
    await bob.vt.until(() => laidOut(bob, 'Node 2 | bob | 2 in room', 'alice: at-40-columns'), '120×40 layout', WAIT_MS);
    alice.type('at-120-columns\r');
    await bob.vt.until(() => laidOut(bob, 'Node 2 | bob | 2 in room', 'alice: at-120-columns'), 'a new line at 120×40', WAIT_MS);
    expect(bob.vt.lines()[0]).toMatch(/^ ssh-bbs +Node 2 \| bob \| 2 in room \| \d\d:\d\d $/);
  });
});

describe('the sysop', () => {
  it('announces as SysOp to everyone; others are told announcements are for the sysop', async () => {
    await room.start();
    await room.addUsers(['ada'], 'sysop');
    await room.addUsers(['bob']);
    const ada = await room.enter('ada');
    const bob = await room.enter('bob');
    await ada.sees('*** bob has joined the chat ***');

    ada.type('/announce Hello all\r');
    for (const caller of [ada, bob]) await caller.sees(stamped('ANNOUNCEMENT SysOp: Hello all'));
    expect(bob.screen()).not.toContain('ada: Hello all');
    expect(bob.vt.bells).toBe(1);
    expect(ada.vt.bells).toBe(0);

    bob.type('/announce I am the sysop now\r');
    await bob.sees('Only the sysop can make announcements.');
    await sayMarker(bob, [ada], 'after-the-attempt');
    for (const caller of [ada, bob]) expect(caller.screen()).not.toContain('I am the sysop now');

    ada.type('/help\r');
    await ada.sees(/^\/announce <message> +— /m);
  });
});
