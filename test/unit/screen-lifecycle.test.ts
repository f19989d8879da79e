/**
 * A BbsScreen's life in a board process that outlives it: blessed made safe for a server before
 * the first screen, terminfo compiled once per TERM, and a destroy that leaves nothing behind.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import blessed from 'blessed';
import { FRAME_MS, blessedInstanceCounts, createBbsScreen, prepareBlessed } from '../../src/ui/screen.js';
import { closeScreens, heldBackScreen, keep, open, ticks, withFakeTimeouts } from '../helpers/bbs-screens.js';
import { createFakeTerminal } from '../helpers/virtual-terminal.js';

afterEach(closeScreens);

describe('destroy', () => {
  const processEvents = ['SIGTERM', 'SIGINT', 'SIGQUIT', 'uncaughtException', 'exit'] as const;
  const processListenerCounts = () => processEvents.map((event) => process.listenerCount(event));

  it('adds no process handlers, and leaves blessed’s instance lists as they were', () => {
    const before = { counts: blessedInstanceCounts(), listeners: processListenerCounts() };
    const { bbs } = open();
    expect(blessedInstanceCounts()).toEqual({ programs: before.counts.programs + 1, screens: before.counts.screens + 1 });
    expect(processListenerCounts()).toEqual(before.listeners);
    bbs.destroy();
    bbs.destroy();
    expect(bbs.destroyed).toBe(true);
    expect(blessedInstanceCounts()).toEqual(before.counts);
    expect(processListenerCounts()).toEqual(before.listeners);
  });

  it('removes blessed’s listeners from input and output but keeps everyone else’s', () => {
    const fake = createFakeTerminal(40, 12);
    keep(fake);
    const theirs = () => undefined;
    fake.input.on('end', theirs);
    const counts = (stream: NodeJS.EventEmitter) => stream.eventNames().map((e) => [e, stream.listenerCount(e)]);
    const before = { input: counts(fake.input), output: counts(fake.output) };
    const bbs = createBbsScreen(fake.terminal);
    fake.input.on('close', theirs);
    bbs.destroy();
    fake.input.off('close', theirs);
    expect(counts(fake.input)).toEqual(before.input);
    expect(counts(fake.output)).toEqual(before.output);
    expect(fake.input.listeners('end')).toContain(theirs);
  });

  it('restores the terminal: normal screen and a visible cursor', async () => {
    const { fake, bbs } = open();
    blessed.text({ parent: bbs.screen, top: 0, left: 0, content: 'on the alt screen' });
    bbs.requestRender();
    await fake.vt.waitFor('on the alt screen');
    bbs.destroy();
    await fake.vt.settled();
    expect(fake.vt.text()).not.toContain('on the alt screen');
    expect(fake.output.chunks.join('')).toMatch(/\x1b\[\?1049l/);
    expect(fake.output.chunks.join('')).toMatch(/\x1b\[\?25h[^]*$/);
  });

  it('lets a new screen take over the same channel, keys included', async () => {
    const { fake, bbs } = open();
    bbs.destroy();
    const next = createBbsScreen(fake.terminal);
    keep(fake, next);
    const keys: string[] = [];
    next.screen.program.on('keypress', (_ch: string | undefined, key: { full?: string }) => keys.push(key.full ?? ''));
    fake.type('a\x1b[A');
    await expect.poll(() => keys).toEqual(['a', 'up']);
  });

  it('draws nothing after destroy, not even a render that was waiting for its frame to end', () =>
    withFakeTimeouts(async () => {
      const { fake, bbs } = open();
      let renders = 0;
      bbs.screen.on('render', () => renders++);
      blessed.text({ parent: bbs.screen, top: 0, left: 0, content: 'drawn' });
      bbs.requestRender();
      await ticks();
      const text = blessed.text({ parent: bbs.screen, top: 1, left: 0, content: 'never drawn' });
      text.setContent('never drawn');
      bbs.requestRender();
      bbs.destroy();
      vi.advanceTimersByTime(FRAME_MS * 2);
      await ticks();
      expect(renders).toBe(1);
      expect(fake.output.chunks.join('')).toContain('drawn');
      expect(fake.output.chunks.join('')).not.toContain('never drawn');
    }));

  it('stops the stall clock on destroy', () =>
    withFakeTimeouts(async () => {
      const { bbs, onStall } = await heldBackScreen();
      bbs.destroy();
      vi.advanceTimersByTime(5000);
      expect(onStall).not.toHaveBeenCalled();
    }));

  it('cancels a pending render and draws nothing after destroy', async () => {
    const { fake, bbs } = open();
    blessed.text({ parent: bbs.screen, top: 0, left: 0, content: 'never drawn' });
    bbs.requestRender();
    bbs.destroy();
    bbs.requestRender();
    bbs.bell();
    await ticks();
    await fake.vt.settled();
    expect(fake.vt.text()).not.toContain('never drawn');
    expect(fake.vt.bells).toBe(0);
  });
});

describe('prepareBlessed', () => {
  it('scrubs the server’s terminal variables from the environment', () => {
    process.env['TMUX'] = '/tmp/tmux-0/default,1,0';
    process.env['TERMCAP'] = 'xx|fake';
    prepareBlessed();
    prepareBlessed();
    expect(process.env['TMUX']).toBeUndefined();
    expect(process.env['TERMCAP']).toBeUndefined();
  });

  it('turns $EDITOR, spawn and exec into no-ops', async () => {
    const { bbs } = open();
    const screen = bbs.screen as unknown as {
      spawn(file: string, args: string[]): unknown;
      exec(file: string, args: string[], options: object, cb: (err: Error | null, ok: boolean) => void): unknown;
      readEditor(options: object, cb: (err: Error | null) => void): unknown;
    };
    expect(screen.spawn('touch', ['/tmp/should-not-exist'])).toBeUndefined();
    const exec = await new Promise<boolean>((resolve) => screen.exec('true', [], {}, (_err, ok) => resolve(ok)));
    expect(exec).toBe(false);
    const editor = await new Promise<Error | null>((resolve) => screen.readEditor({ value: 'x' }, resolve));
    expect(editor?.message).toBe('Unsuccessful.');
  });

  it('compiles terminfo once per TERM and draws byte-identical output from the shared copy', async () => {
    const draw = async () => {
      const { fake, bbs } = open(30, 6, 'rxvt-unicode-256color');
      blessed.box({ parent: bbs.screen, top: 1, left: 1, width: 12, height: 3, border: 'line', style: { fg: 'red' }, content: 'same' });
      bbs.requestRender();
      await fake.vt.waitFor('same');
      return { bytes: fake.output.chunks.join(''), info: (bbs.screen.program as unknown as { tput: { info: unknown } }).tput.info };
    };
    const first = await draw();
    const second = await draw();
    expect(second.info).toBe(first.info);
    expect(second.bytes).toBe(first.bytes);
  });
});
