import { afterEach, describe, expect, it, vi } from 'vitest';
import blessed from 'blessed';
import {
  FRAME_MS,
  RENDER_MARK,
  blessedInstanceCounts,
  createBbsScreen,
  prepareBlessed,
  safeTerm,
  type BbsScreen,
} from '../../src/ui/screen.js';
import { displayWidth } from '../../src/ui/display-width.js';
import { createFakeTerminal, type FakeTerminal } from '../helpers/virtual-terminal.js';

const opened: Array<{ fake: FakeTerminal; screen?: BbsScreen }> = [];

function open(cols = 40, rows = 12, term = 'xterm-256color'): { fake: FakeTerminal; bbs: BbsScreen } {
  const fake = createFakeTerminal(cols, rows, term);
  const bbs = createBbsScreen(fake.terminal);
  opened.push({ fake, screen: bbs });
  return { fake, bbs };
}

/** A screen whose channel is over the render mark, with a render held back and the stall clock (1 s) running. */
async function heldBackScreen(): Promise<{ fake: FakeTerminal; bbs: BbsScreen; onStall: ReturnType<typeof vi.fn> }> {
  const fake = createFakeTerminal(40, 12);
  const onStall = vi.fn();
  const bbs = createBbsScreen(fake.terminal, { stallMs: 1000, onStall });
  opened.push({ fake, screen: bbs });
  fake.output.backlog = RENDER_MARK + 1;
  bbs.requestRender();
  await ticks();
  return { fake, bbs, onStall };
}

/** Lets pending setImmediate callbacks (renders, blessed's output flush) run. */
async function ticks(n = 3): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

afterEach(() => {
  for (const { fake, screen } of opened.splice(0)) {
    screen?.destroy();
    fake.dispose();
  }
});

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

  it('renders at most once per frame: the first request at once, the next when the frame ends', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
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
    } finally {
      vi.useRealTimers();
    }
  });

  it('holds a frame’s render back while the channel is full, and draws it once on drain', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
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
    } finally {
      vi.useRealTimers();
    }
  });

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
    opened.push({ fake, screen: bbs });
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
    opened.push({ fake, screen: bbs });
    fake.output.backlog = RENDER_MARK + 1;
    bbs.requestRender();
    await onStall;
  });

  it('a drain before stallMs keeps the caller', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { fake, onStall } = await heldBackScreen();
      fake.output.backlog = 0;
      fake.output.emit('drain');
      vi.advanceTimersByTime(5000);
      expect(onStall).not.toHaveBeenCalled();
    } finally {
      vi.useRealTimers();
    }
  });

  it('ignores drain when no render was held back', async () => {
    const { fake, bbs } = open();
    let renders = 0;
    bbs.screen.on('render', () => renders++);
    fake.output.emit('drain');
    await ticks();
    expect(renders).toBe(0);
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
    opened.push({ fake });
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
    opened.push({ fake, screen: next });
    const keys: string[] = [];
    next.screen.program.on('keypress', (_ch: string | undefined, key: { full?: string }) => keys.push(key.full ?? ''));
    fake.type('a\x1b[A');
    await expect.poll(() => keys).toEqual(['a', 'up']);
  });

  it('draws nothing after destroy, not even a render that was waiting for its frame to end', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
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
    } finally {
      vi.useRealTimers();
    }
  });

  it('stops the stall clock on destroy', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { bbs, onStall } = await heldBackScreen();
      bbs.destroy();
      vi.advanceTimersByTime(5000);
      expect(onStall).not.toHaveBeenCalled();
    } finally {
      vi.useRealTimers();
    }
  });

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
