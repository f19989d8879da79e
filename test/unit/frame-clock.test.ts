/**
 * The board's frame clock: one frame for every screen that asked, and a screen that drew a moment
 * ago (a caller's own keystroke echo) waits out its own cooling without holding back the others.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { createFrameClock, FRAME_MS, type FrameMember } from '../../src/ui/frame-clock.js';

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
    // The clock's own timers (its next tick and each screen's cooling) are driven by hand.
    vi.useFakeTimers({ toFake: ['setImmediate', 'setTimeout', 'clearTimeout'] });
    try {
      const log: string[] = [];
      const clock = createFrameClock();
      const resized = clock.join(screen('resized draws itself', log));
      const sharing = (name: string): FrameMember => {
        const output = Object.assign(new EventEmitter(), { writableLength: 0, write: () => log.push(`${name} written`) });
        const frame = { key: 'bottom', bytes: () => Buffer.from('row'), commit: () => undefined };
        return { ...screen(name, log), output: output as unknown as FrameMember['output'], shared: () => frame };
      };
      const readers = ['a', 'b'].map((name) => clock.join(sharing(name)));
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
    } finally {
      vi.useRealTimers();
    }
  });
});
