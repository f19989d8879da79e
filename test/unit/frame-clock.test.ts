/**
 * The board's frame clock: one frame for every screen that asked, and a screen that drew a moment
 * ago (a caller's own keystroke echo) waits out its own cooling without holding back the others.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { createFrameClock, FRAME_MS, SOON_MS, type FrameMember } from '../../src/ui/frame-clock.js';

/** A screen that draws itself in every frame, notes each draw in `log`, then runs `after`. */
function screen(name: string, log: string[], after: () => void = () => undefined): FrameMember {
  const output = Object.assign(new EventEmitter(), { writableLength: 0, write: () => true });
  return {
    output: output as unknown as FrameMember['output'],
    shared: () => undefined,
    draw: () => {
      log.push(name);
      after();
    },
    onError: (error) => {
      throw error;
    },
  };
}

/** A screen at the bottom of the log: its frames are shared ones, and each write is noted in `log`. */
function sharing(name: string, log: string[], shape = 'bottom'): FrameMember {
  const output = Object.assign(new EventEmitter(), { writableLength: 0, write: () => log.push(`${name} written`) });
  const frame = { key: shape, bytes: () => Buffer.from('row'), commit: () => undefined };
  return { ...screen(name, log), output: output as unknown as FrameMember['output'], shared: () => frame };
}

/** Runs `test` with the clock's own timers (its next tick, each screen's cooling) driven by hand. */
function withHandTimers(test: () => void): void {
  vi.useFakeTimers({ toFake: ['setImmediate', 'setTimeout', 'clearTimeout'] });
  try {
    test();
  } finally {
    vi.useRealTimers();
  }
}

describe('frame clock', () => {
  it('draws every screen that asked in one frame', async () => {
    const log: string[] = [];
    const clock = createFrameClock();
    const slots = ['a', 'b', 'c'].map((name) => clock.join(screen(name, log)));
    for (const slot of slots) slot.request(true);
    await expect.poll(() => log).toEqual(['a', 'b', 'c']);
    for (const slot of slots) slot.close();
  });

  it("does not hold back one screen's frame because another screen has just drawn", async () => {
    const log: string[] = [];
    const clock = createFrameClock();
    let first = true;
    // Right after the sender's first frame (its keystroke echo) it asks again, and so does the reader.
    const sender = clock.join(
      screen('sender', log, () => {
        if (!first) return;
        first = false;
        sender.request(true);
        reader.request(true);
      }),
    );
    const reader = clock.join(screen('reader', log));
    sender.request(true);
    await expect.poll(() => log).toEqual(['sender', 'reader', 'sender']);
    sender.close();
    reader.close();
  });

  it('draws a screen again after its cooling, not never', async () => {
    const log: string[] = [];
    const clock = createFrameClock();
    const slot = clock.join(screen('a', log));
    slot.request(true);
    await expect.poll(() => log).toEqual(['a']);
    slot.request(true);
    slot.request(true);
    await expect.poll(() => log).toEqual(['a', 'a']);
    slot.close();
  });

  it('sends the shared bytes of a frame before any screen draws itself', () => {
    withHandTimers(() => {
      const log: string[] = [];
      const clock = createFrameClock();
      const resized = clock.join(screen('resized draws itself', log));
      const readers = ['a', 'b'].map((name) => clock.join(sharing(name, log)));
      // A screen's first frame is always its own; the readers' second frames are shared.
      for (const reader of readers) reader.request(false);
      vi.runOnlyPendingTimers();
      expect(log).toEqual(['a', 'b']);
      log.length = 0;
      vi.advanceTimersByTime(FRAME_MS); // their cooling ends
      resized.request(true);
      for (const reader of readers) reader.request(false);
      vi.runOnlyPendingTimers();
      expect(log).toEqual(['a written', 'b written', 'resized draws itself']);
      for (const slot of [resized, ...readers]) slot.close();
    });
  });

  it('sends the shared bytes of the shape most screens have first', () => {
    withHandTimers(() => {
      const log: string[] = [];
      const clock = createFrameClock();
      // Asked in this order: two screens of shapes of their own before the three of the common one.
      const slots = [sharing('narrow', log, '60x20'), sharing('wide', log, '159x49'), ...['a', 'b', 'c'].map((name) => sharing(name, log))].map((member) =>
        clock.join(member),
      );
      for (const slot of slots) slot.request(false);
      vi.runOnlyPendingTimers();
      log.length = 0;
      vi.advanceTimersByTime(FRAME_MS);
      for (const slot of slots) slot.request(false);
      vi.runOnlyPendingTimers();
      expect(log).toEqual(['a written', 'b written', 'c written', 'narrow written', 'wide written']);
      for (const slot of slots) slot.close();
    });
  });

  it("writes each screen's own bytes right after the shared ones, in one write, and makes the shared ones once", () => {
    withHandTimers(() => {
      const written: Array<{ name: string; text: string }> = [];
      let made = 0;
      const clock = createFrameClock();
      const member = (name: string): FrameMember => {
        const output = Object.assign(new EventEmitter(), {
          writableLength: 0,
          write: (bytes: Buffer) => written.push({ name, text: bytes.toString() }),
        });
        const frame = { key: 'bottom', bytes: () => Buffer.from(`row${++made}`), own: () => `|${name}`, commit: () => undefined };
        return { ...screen(name, []), output: output as unknown as FrameMember['output'], shared: () => frame };
      };
      const slots = ['a', 'b'].map((name) => clock.join(member(name)));
      for (const slot of slots) slot.request(false);
      vi.runOnlyPendingTimers(); // their first, own frames
      vi.advanceTimersByTime(FRAME_MS);
      for (const slot of slots) slot.request(false);
      vi.runOnlyPendingTimers();
      expect(written).toEqual([
        { name: 'a', text: 'row1|a' },
        { name: 'b', text: 'row1|b' },
      ]);
      for (const slot of slots) slot.close();
    });
  });

  it('draws the screens that ask soon together, SOON_MS after the first asked', () => {
    withHandTimers(() => {
      const log: string[] = [];
      const clock = createFrameClock();
      const readers = ['a', 'b', 'c'].map((name) => clock.join(sharing(name, log)));
      for (const reader of readers) reader.request(false);
      vi.runOnlyPendingTimers(); // their first, own frames
      vi.advanceTimersByTime(FRAME_MS);
      log.length = 0;
      readers[0]!.requestSoon();
      vi.advanceTimersByTime(SOON_MS - 100);
      readers[1]!.requestSoon();
      readers[2]!.requestSoon();
      vi.advanceTimersByTime(99);
      expect(log).toEqual([]);
      vi.advanceTimersByTime(1);
      vi.runOnlyPendingTimers(); // the frame's tick
      expect(log).toEqual(['a written', 'b written', 'c written']);
      for (const slot of readers) slot.close();
    });
  });

  it('draws a screen that asked soon at once when it asks again meanwhile, and only then', () => {
    withHandTimers(() => {
      const log: string[] = [];
      const clock = createFrameClock();
      const [waiting, asking] = ['waiting', 'asking'].map((name) => clock.join(sharing(name, log)));
      for (const slot of [waiting!, asking!]) slot.request(false);
      vi.runOnlyPendingTimers();
      vi.advanceTimersByTime(FRAME_MS);
      log.length = 0;
      waiting!.requestSoon();
      asking!.requestSoon();
      asking!.request(false); // a line someone said: now, with the join line before it
      vi.advanceTimersByTime(0);
      vi.runOnlyPendingTimers();
      expect(log).toEqual(['asking written']);
      vi.advanceTimersByTime(SOON_MS);
      vi.runOnlyPendingTimers();
      expect(log).toEqual(['asking written', 'waiting written']);
      for (const slot of [waiting!, asking!]) slot.close();
    });
  });

  it('does not draw a screen that asked soon and was closed', () => {
    withHandTimers(() => {
      const log: string[] = [];
      const clock = createFrameClock();
      const slot = clock.join(screen('gone', log));
      slot.requestSoon();
      slot.close();
      vi.advanceTimersByTime(SOON_MS);
      vi.runOnlyPendingTimers();
      expect(log).toEqual([]);
    });
  });
});
