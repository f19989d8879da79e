/**
 * What a newcomer sees of what was said before they came in: the room's recent public lines,
 * between two dividers, kept in SQLite across a restart of the board; never a private message.
 */
import { expect, it } from 'vitest';
import { useRoom, type RoomCaller } from '../helpers/room.js';

const room = useRoom();

const EARLIER = '--- earlier messages ---';
const END_OF_EARLIER = '--- end of earlier messages ---';

/** Row indexes of each text on the caller's screen (-1 when absent), to check their order. */
function rowsOf(caller: RoomCaller, texts: string[]): number[] {
  const rows = caller.vt.lines();
  return texts.map((text) => rows.findIndex((row) => row.includes(text)));
}

/** alice says a line, acts, and writes to bob privately; bob sees all three. */
async function talkBefore(alice: RoomCaller, bob: RoomCaller, tag: string): Promise<void> {
  alice.type(`said-${tag}\r/me acted-${tag}\r/msg bob private-${tag}\r`);
  await bob.sees(`alice: said-${tag}`);
  await bob.sees(`* alice acted-${tag}`);
  await bob.sees(`*alice* → you: private-${tag}`);
}

/** The newcomer sees the earlier lines between the dividers, then their own arrival. */
async function expectEarlierLines(newcomer: RoomCaller, tag: string): Promise<void> {
  await newcomer.sees(END_OF_EARLIER);
  const order = rowsOf(newcomer, [
    EARLIER,
    `alice: said-${tag}`,
    `* alice acted-${tag}`,
    END_OF_EARLIER,
    `*** ${newcomer.handle} has joined the chat ***`,
  ]);
  expect(order.every((row) => row >= 0)).toBe(true);
  expect([...order].sort((a, b) => a - b)).toEqual(order);
  expect(newcomer.received()).not.toContain(`private-${tag}`);
}

it('shows a newcomer what was said before, marked as earlier, and never a private message', async () => {
  await room.start();
  await room.addUsers(['alice', 'bob', 'carol']);
  const alice = await room.enter('alice');
  const bob = await room.enter('bob');
  await talkBefore(alice, bob, 'before-carol');

  const carol = await room.enter('carol');
  await expectEarlierLines(carol, 'before-carol');
  // Arrivals are news, not history.
  expect(carol.screen()).not.toContain('bob has joined');
});

it('keeps the earlier lines across a restart of the board on the same data', async () => {
  const dataDir = room.dataDir();
  await room.start({}, { dataDir });
  await room.addUsers(['alice', 'bob', 'carol']);
  const alice = await room.enter('alice');
  const bob = await room.enter('bob');
  await talkBefore(alice, bob, 'before-restart');

  await room.board.close();
  await Promise.all([alice.closed, bob.closed]);

  await room.start({}, { dataDir });
  const carol = await room.enter('carol');
  await expectEarlierLines(carol, 'before-restart');
});
