/**
 * A slow caller costs only itself: a caller who stops reading does not hold the
 * others up, what the board queues for them stays bounded, and once they read again one fresh
 * render brings their screen up to date.
 */
import { expect, it } from 'vitest';
import { RENDER_MARK } from '../../src/ui/screen.js';
import { useRoom } from '../helpers/room.js';

const room = useRoom();

/** `handle: text` alone at the end of its row. */
const said = (handle: string, text: string) => new RegExp(`${handle}: ${text} *$`, 'm');

it('a caller who stops reading neither slows the room nor makes the board queue without bound', async () => {
  // The board's clock gains a second per line sent, so the flood gate never holds a line back.
  let ahead = 0;
  await room.start({}, { now: () => Date.now() + ahead });
  await room.addUsers(['alice', 'bob', 'carol']);
  const alice = await room.enter('alice');
  const bob = await room.enter('bob');
  // A tall screen: each render of carol's log is big, so her SSH window fills in a few hundred.
  const carol = await room.enter('carol', { cols: 100, rows: 200 });
  await Promise.all([alice, bob].map((caller) => caller.sees('*** carol has joined the chat ***')));

  // carol stops reading. ssh2's client buffers 2 MiB and grants 2 MiB of window before it stops
  // the board; only then does anything queue on the board's side. The board draws only the cells
  // that changed and scrolls rows that merely moved up, so to fill it fast carol's lines read
  // unlike each other and every other line of hers ends with PgUp: her view jumps between the
  // newest rows and a page above them, and each frame rewrites her whole log.
  carol.stream.pause();
  const window = () => (carol.stream as unknown as { incoming: { window: number } }).incoming.window;
  /** 48 letters that differ from line to line at almost every column. */
  const noise = (i: number) => Array.from({ length: 48 }, (_, k) => String.fromCharCode(97 + ((i * 7 + k * 13 + k * k) % 26))).join('');
  for (let i = 1; window() > 0; i++) {
    if (i > 2000) throw new Error(`carol's window never filled (${window()} bytes left)`);
    ahead += 1000;
    carol.type(`filling-${i} ${noise(i)}\r${i % 2 ? '\x1b[5~' : ''}`);
    await bob.sees(said('carol', `filling-${i} ${noise(i)}`));
  }
  // Her last key may have been PgUp: back to the newest rows, so they are what she sees later.
  carol.type('\x1b[6~');
  // With the window shut, nothing more can be on its way: this is all the board sent her so far.
  const sentBeforeTheQueue = carol.receivedBytes() + carol.stream.readableLength;

  // One line per write, each waited for: each is a render of its own for carol, the most a queue
  // could hold.
  for (let i = 1; i <= 300; i++) {
    ahead += 1000;
    alice.type(`line-${i}\r`);
    await bob.sees(said('alice', `line-${i}`));
  }
  bob.type('/who\r');
  await bob.sees('In the room (3):');
  // The board's clock ran ahead a second a line, so carol shows as idle.
  await bob.sees(/^ {2}carol {2}node 3(  idle \d+m)? *$/m);

  carol.stream.resume();
  await carol.sees(said('alice', 'line-300'));
  // What the board held for carol while her window was shut, plus the fresh render: 300 renders
  // of her 200-row screen would be megabytes.
  expect(carol.receivedBytes() - sentBeforeTheQueue).toBeLessThan(4 * RENDER_MARK);
  carol.type('/who\r');
  await carol.sees('In the room (3)');
}, 120_000);
