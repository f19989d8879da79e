/**
 * A caller who stops reading costs only themselves: no frame is drawn while their channel is
 * full, one fresh frame once it drains, and a caller who stays full too long is reported.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import blessed from 'blessed';
import { RENDER_MARK, createBbsScreen } from '../../src/ui/screen.js';
import { closeScreens, heldBackScreen, keep, open, ticks, withFakeTimeouts } from '../helpers/bbs-screens.js';
import { createFakeTerminal } from '../helpers/virtual-terminal.js';
afterEach(closeScreens);

describe('backpressure', () => {
  it('does not draw while the channel is full, then draws exactly once on drain', async () => {
    const { fake, bbs } = open();
    let renders = 0;
    bbs.screen.on('render', () => renders++);
    const text = blessed.text({ parent: bbs.screen, top: 0, left: 0, content: 'first' });
    bbs.requestRender();
    await fake.vt.waitFor('first');
    const written = fake.output.chunks.length;

    fake.output.backlog = RENDER_MARK + 1;
    text.setContent('second');
    bbs.requestRender();
    await ticks();
    bbs.requestRender();
    await ticks();
    expect(fake.output.chunks.length).toBe(written);
    expect(renders).toBe(1);

    fake.output.backlog = 0;
    fake.output.emit('drain');
    await fake.vt.waitFor('second');
    await ticks();
    expect(renders).toBe(2);
  });

  it('reports a caller who leaves the channel full for stallMs', async () => {
    const fake = createFakeTerminal(40, 12);
    let stalled!: () => void;
    const onStall = new Promise<void>((resolve) => (stalled = resolve));
    const bbs = createBbsScreen(fake.terminal, { stallMs: 20, onStall: () => stalled() });
    keep(fake, bbs);
    fake.output.backlog = RENDER_MARK + 1;
    bbs.requestRender();
    await onStall;
  });

  it('a drain before stallMs keeps the caller', () =>
    withFakeTimeouts(async () => {
      const { fake, onStall } = await heldBackScreen();
      fake.output.backlog = 0;
      fake.output.emit('drain');
      vi.advanceTimersByTime(5000);
      expect(onStall).not.toHaveBeenCalled();
    }));

  it('ignores drain when no render was held back', async () => {
    const { fake, bbs } = open();
    let renders = 0;
    bbs.screen.on('render', () => renders++);
    fake.output.emit('drain');
    await ticks();
    expect(renders).toBe(0);
  });
});
