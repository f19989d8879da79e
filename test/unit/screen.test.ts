import { afterEach, describe, expect, it, vi } from 'vitest';
import blessed from 'blessed';
import { FRAME_MS, RENDER_MARK, createBbsScreen, safeTerm, type BbsScreen } from '../../src/ui/screen.js';
import { displayWidth } from '../../src/ui/display-width.js';
import { closeScreens, keep, open, ticks, withFakeTimeouts } from '../helpers/bbs-screens.js';
import { createFakeTerminal } from '../helpers/virtual-terminal.js';

afterEach(closeScreens);

describe('safeTerm', () => {
  it.each([
    ['xterm-256color', 'xterm-256color'],
    ['XTERM-256COLOR', 'xterm-256color'],
    ['xterm', 'xterm'],
    ['vt100', 'vt100'],
    ['vt220', 'vt220'],
    ['linux', 'linux'],
    ['screen', 'screen'],
    ['tmux', 'tmux'],
    ['rxvt-unicode-256color', 'rxvt-unicode-256color'],
    ['screen-256color', 'xterm-256color'],
    ['tmux-256color', 'xterm-256color'],
    ['putty', 'xterm-256color'],
    ['xterm-kitty', 'xterm-256color'],
    ['/etc/passwd', 'xterm-256color'],
    ['../../x', 'xterm-256color'],
    ['/dev/zero', 'xterm-256color'],
    ['xterm/../../etc/passwd', 'xterm-256color'],
    ['', 'xterm-256color'],
    [undefined, 'xterm-256color'],
  ])('%j → %s', (term, expected) => {
    expect(safeTerm(term)).toBe(expected);
  });
});

describe('createBbsScreen', () => {
  it('draws over the channel, read back by a real terminal emulator', async () => {
    const { fake, bbs } = open();
    blessed.box({ parent: bbs.screen, top: 2, left: 3, width: 20, height: 3, border: 'line', content: 'Hello, caller' });
    bbs.requestRender();
    await fake.vt.waitFor('Hello, caller');
    expect(fake.vt.lines()[3]).toBe('   │Hello, caller     │');
  });

  it('maps a TERM that is a file path to xterm-256color', async () => {
    const { fake, bbs } = open(40, 12, '/etc/passwd');
    expect(bbs.term).toBe('xterm-256color');
    blessed.text({ parent: bbs.screen, top: 0, left: 0, content: 'safe' });
    bbs.requestRender();
    await fake.vt.waitFor('safe');
  });

  it('never writes to the server’s stdout or stderr', async () => {
    const out = vi.spyOn(process.stdout, 'write');
    const err = vi.spyOn(process.stderr, 'write');
    try {
      for (const term of ['screen-256color', 'tmux-256color', 'vt100', 'linux']) {
        const { fake, bbs } = open(40, 12, term);
        blessed.text({ parent: bbs.screen, top: 0, left: 0, content: term });
        bbs.requestRender();
        await fake.vt.waitFor(bbs.term === term ? term : /\w/);
        bbs.destroy();
      }
      expect(out).not.toHaveBeenCalled();
      expect(err).not.toHaveBeenCalled();
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
  });

  it('coalesces many render requests into one render', async () => {
    const { fake, bbs } = open();
    let renders = 0;
    bbs.screen.on('render', () => renders++);
    const text = blessed.text({ parent: bbs.screen, top: 0, left: 0, content: '' });
    for (let i = 0; i < 50; i++) {
      text.setContent(`message ${i}`);
      bbs.requestRender();
    }
    await fake.vt.waitFor('message 49');
    expect(renders).toBe(1);
  });

  it('renders at most once per frame: the first request at once, the next when the frame ends', () =>
    withFakeTimeouts(async () => {
      const { fake, bbs } = open();
      let renders = 0;
      bbs.screen.on('render', () => renders++);
      const text = blessed.text({ parent: bbs.screen, top: 0, left: 0, content: 'one' });
      bbs.requestRender();
      await ticks();
      expect(renders).toBe(1);

      vi.advanceTimersByTime(5);
      text.setContent('two');
      bbs.requestRender();
      bbs.requestRender();
      await ticks();
      expect(renders).toBe(1);
      vi.advanceTimersByTime(FRAME_MS - 6);
      expect(renders).toBe(1);
      vi.advanceTimersByTime(1);
      expect(renders).toBe(2);
      await ticks();
      expect(fake.output.chunks.join('')).toContain('two');

      vi.advanceTimersByTime(FRAME_MS);
      expect(renders).toBe(2);
      text.setContent('xyz');
      bbs.requestRender();
      await ticks();
      expect(renders).toBe(3);
      expect(fake.output.chunks.join('')).toContain('xyz');
    }));

  it('holds a frame’s render back while the channel is full, and draws it once on drain', () =>
    withFakeTimeouts(async () => {
      const { fake, bbs } = open();
      let renders = 0;
      bbs.screen.on('render', () => renders++);
      const text = blessed.text({ parent: bbs.screen, top: 0, left: 0, content: 'first' });
      bbs.requestRender();
      await ticks();
      text.setContent('second');
      bbs.requestRender();
      fake.output.backlog = RENDER_MARK + 1;
      vi.advanceTimersByTime(FRAME_MS);
      await ticks();
      expect(renders).toBe(1);
      fake.output.backlog = 0;
      fake.output.emit('drain');
      await ticks();
      expect(renders).toBe(2);
      expect(fake.output.chunks.join('')).toContain('second');
    }));

  it('rings the bell on this caller only', async () => {
    const one = open();
    const two = open();
    one.bbs.bell();
    await one.fake.vt.until(() => one.fake.vt.bells === 1, 'a bell');
    await two.fake.vt.settled();
    expect(two.fake.vt.bells).toBe(0);
  });

  it('puts the cursor where it is asked to after each render', async () => {
    const { fake, bbs } = open();
    blessed.text({ parent: bbs.screen, top: 5, left: 0, content: '> ' });
    bbs.setCursor({ x: 2, y: 5 });
    await fake.vt.waitFor('>');
    await fake.vt.settled();
    expect(fake.vt.cursor()).toEqual({ x: 2, y: 5 });
  });

  it('reports a render that throws instead of letting it reach the process', async () => {
    const fake = createFakeTerminal(40, 12);
    const errors: Error[] = [];
    const bbs = createBbsScreen(fake.terminal, { onError: (error) => errors.push(error) });
    keep(fake, bbs);
    const box = blessed.box({ parent: bbs.screen, content: 'x' });
    box.render = () => {
      throw new Error('bad widget');
    };
    bbs.requestRender();
    await expect.poll(() => errors.map((e) => e.message)).toEqual(['bad widget']);
  });

  it('draws emoji two columns wide so borders stay straight', async () => {
    const { fake, bbs } = open();
    blessed.box({ parent: bbs.screen, top: 0, left: 0, width: 20, height: 5, border: 'line', content: 'smile 😀!\n中文 ok\nthumb 👍🏽.' });
    bbs.requestRender();
    await fake.vt.waitFor('ok');
    for (const line of fake.vt.lines().slice(0, 5)) expect(displayWidth(line)).toBe(20);
  });
});

describe('line drawing', () => {
  it.each(['screen', 'tmux', 'xterm-256color', 'vt100', 'linux'])('draws borders as Unicode lines for TERM=%s', async (term) => {
    const { fake, bbs } = open(20, 6, term);
    blessed.box({ parent: bbs.screen, top: 0, left: 0, width: 10, height: 3, border: 'line', content: 'hi' });
    bbs.requestRender();
    await fake.vt.waitFor('hi');
    expect(fake.vt.lines().slice(0, 3)).toEqual(['┌────────┐', '│hi      │', '└────────┘']);
  });
});

describe('resize', () => {
  it('re-lays out the screen for the new size', async () => {
    const { fake, bbs } = open(40, 12);
    blessed.text({ parent: bbs.screen, bottom: 0, right: 0, width: 5, height: 1, content: 'RIGHT' });
    bbs.requestRender();
    await fake.vt.until(() => fake.vt.lines()[11]?.endsWith('RIGHT') ?? false, 'RIGHT at the bottom right');
    fake.resize(60, 15);
    await fake.vt.until(() => fake.vt.lines()[14] === `${' '.repeat(55)}RIGHT`, 'RIGHT at the new bottom right');
  });

  type Cells = Array<[number, string]> & { dirty?: boolean };
  /** What the re-layout does first, at once: blessed's program takes the size after a debounce. */
  const layOutNow = (bbs: BbsScreen, cols: number, rows: number) => {
    Object.assign(bbs.screen.program, { cols, rows });
    (bbs.screen as unknown as { alloc(): void }).alloc();
  };
  const picture = (bbs: BbsScreen) => bbs.screen as unknown as { lines: Cells[]; olines: Cells[]; dattr: number };

  it('lays out again into new row arrays of shared blank rows, makes own rows only where blessed draws, and draws right after shrinking and growing', async () => {
    const { fake, bbs } = open(40, 12);
    blessed.text({ parent: bbs.screen, top: 0, left: 0, width: 20, height: 1, content: 'TOP-LEFT-TEXT' });
    blessed.text({ parent: bbs.screen, bottom: 0, right: 0, width: 5, height: 1, content: 'RIGHT' });
    bbs.requestRender();
    await fake.vt.until(() => fake.vt.lines()[11]?.endsWith('RIGHT') ?? false, 'RIGHT at the bottom right');
    const before = { lines: picture(bbs).lines, olines: picture(bbs).olines };
    expect(before.lines[0]![0]![1]).toBe('T');

    fake.resize(30, 8);
    layOutNow(bbs, 30, 8);
    const { lines, olines, dattr } = picture(bbs);
    expect(lines).not.toBe(before.lines); // the row painter's sign of a cleared terminal
    expect(olines).not.toBe(before.olines);
    for (const buffer of [lines, olines]) {
      expect(buffer).toHaveLength(8);
      for (const row of buffer) {
        expect(row).toBe(lines[1]); // one blank row, shared: nothing allocated per cell
        expect(Object.isFrozen(row)).toBe(true);
        expect([...row]).toEqual(Array.from({ length: 30 }, () => [dattr, ' ']));
      }
    }
    await fake.vt.until(() => fake.vt.lines()[7] === `${' '.repeat(25)}RIGHT`, 'RIGHT at the smaller bottom right');
    expect(fake.vt.lines()).toEqual(['TOP-LEFT-TEXT', ...Array(6).fill(''), `${' '.repeat(25)}RIGHT`]);
    const drawn = picture(bbs);
    for (const y of [0, 7]) {
      expect(Object.isFrozen(drawn.lines[y])).toBe(false);
      expect(Object.isFrozen(drawn.olines[y])).toBe(false);
    }
    for (let y = 1; y < 7; y++) expect(Object.isFrozen(drawn.lines[y])).toBe(true);

    fake.resize(50, 14);
    await fake.vt.until(() => fake.vt.lines()[13] === `${' '.repeat(45)}RIGHT`, 'RIGHT at the larger bottom right');
    expect(fake.vt.lines()).toEqual(['TOP-LEFT-TEXT', ...Array(12).fill(''), `${' '.repeat(45)}RIGHT`]);
    for (const buffer of [picture(bbs).lines, picture(bbs).olines]) {
      expect(buffer).toHaveLength(14);
      for (const row of buffer) expect(row).toHaveLength(50);
    }
  });

  it('never writes into a frozen row or cell when it lays out again: it puts blank ones in their place', () => {
    const { fake, bbs } = open(10, 4);
    const { lines, olines, dattr } = picture(bbs);
    const shared = Object.freeze(Array.from({ length: 10 }, () => Object.freeze([1, 'x'] as [number, string]))) as unknown as Cells;
    lines[1] = shared;
    olines[1] = shared;
    const frozenCell = Object.freeze([1, 'y']) as unknown as [number, string];
    lines[2] = Array.from({ length: 10 }, () => [dattr, ' '] as [number, string]);
    lines[2][3] = frozenCell;
    layOutNow(bbs, 12, 4);
    expect(shared.every((cell) => cell[1] === 'x')).toBe(true);
    expect(frozenCell).toEqual([1, 'y']);
    const after = picture(bbs);
    expect(after.lines[1]).not.toBe(shared);
    expect(after.lines[1]).toHaveLength(12);
    expect(after.lines[2]![3]).toEqual([after.dattr, ' ']);
    expect(after.lines[1]!.dirty).toBeFalsy();
    void fake;
  });
});
