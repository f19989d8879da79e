/**
 * /color through real ssh2 clients, read cell by cell through the headless terminal: a handle is
 * drawn in its own default colour, or in the one its owner chose (kept across calls), the same on
 * every screen; the sender's own lines are bold on their screen alone; a colour not in the palette
 * gets a clear message; a terminal without colours gets none.
 */
import { describe, expect, it } from 'vitest';
import { useRoom } from '../helpers/room.js';

const room = useRoom();
/** xterm-256 index of "purple" (test/unit/handle-colors.test.ts checks every colour's contrast). */
const PURPLE = 98;

describe('/color', () => {
  it('colours a handle for everyone, keeps it across calls, and makes your own lines stand out', async () => {
    await room.start();
    await room.addUsers(['alice', 'bob']);
    const alice = await room.enter('alice', { cols: 120 });
    const bob = await room.enter('bob', { cols: 120 });

    alice.type('/color chartreuse\r');
    await alice.sees('There is no colour called chartreuse. Colours: red, orange, brown, green, teal, blue, purple, magenta;');
    alice.type('/color Purple\r');
    await alice.sees('Your handle is now shown in purple, from your next line on.');
    alice.type('in purple now\r');
    await bob.sees('alice: in purple now');
    expect(bob.vt.lookOf('alice: in purple now')).toEqual({ fg: PURPLE, bold: false });
    await alice.sees('alice: in purple now');
    // On her own screen: the same colour, bold, and her words bold too.
    expect(alice.vt.lookOf('alice: in purple now')).toEqual({ fg: PURPLE, bold: true });
    expect(alice.vt.lookOf('in purple now', 0)?.bold).toBe(true);
    expect(bob.vt.lookOf('in purple now')?.bold).toBe(false);

    // bob chose nothing: his own colour, the same on both screens; bold only on his.
    bob.type('plain bob\r');
    await alice.sees('bob: plain bob');
    await bob.sees('bob: plain bob');
    const bobsColour = alice.vt.lookOf('bob: plain bob')?.fg;
    expect(bobsColour).toBeGreaterThanOrEqual(16);
    expect(bob.vt.lookOf('bob: plain bob')).toEqual({ fg: bobsColour, bold: true });

    alice.client.destroy();
    const again = await room.enter('alice', { cols: 120 });
    again.type('/color\r');
    await again.sees('Your handle is shown in purple.');
    again.type('still purple\r');
    await bob.sees('alice: still purple');
    expect(bob.vt.lookOf('alice: still purple')).toEqual({ fg: PURPLE, bold: false });
    again.type('/color off\r');
    await again.sees('Your handle is shown in its own colour again');
  });

  it('draws no colours on a terminal that has none', async () => {
    await room.start();
    await room.addUsers(['alice', 'vera']);
    const alice = await room.enter('alice');
    const vera = await room.enter('vera', { term: 'vt100' });
    alice.type('hello vera\r');
    await vera.sees('alice: hello vera');
    expect(vera.vt.lookOf('alice: hello vera')).toEqual({ fg: undefined, bold: false });
  });
});
