/**
 * Drawing a line once per screen shape: teleconference screens made with one board Drawing (frame
 * clock and row cache), on fake channels read through the headless terminal. Screens of one shape
 * at the bottom of the log are sent the very same bytes, and what they then show is what a screen
 * drawing everything itself shows; blessed's picture of each screen (its line buffers) matches the
 * terminal. A screen that differs — scrolled back, resized, given a private line — draws itself.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../src/chat/messages.js';
import { createDrawing, type Drawing } from '../../src/ui/drawing.js';
import { MAX_SHAPES } from '../../src/ui/log-rows.js';
import { createBbsScreen, type BbsScreen } from '../../src/ui/screen.js';
import type { Teleconference, TeleconferenceOptions } from '../../src/ui/teleconference-api.js';
import type { MinuteTicker } from '../../src/ui/minute-ticker.js';
import { TEST_TIME, testTeleconference } from '../helpers/teleconference.js';
import { createFakeTerminal, type FakeTerminal } from '../helpers/virtual-terminal.js';

const at = TEST_TIME;
const say = (from: string, text: string): ChatMessage => ({ kind: 'public', at, from, text });
const PAGE_UP = '\x1b[5~';

interface Caller {
  fake: FakeTerminal;
  bbs: BbsScreen;
  tele: Teleconference;
  /** Full blessed renders so far (a shared frame is not one). */
  renders: number;
}

const opened: Caller[] = [];

afterEach(() => {
  for (const { tele, bbs, fake } of opened.splice(0)) {
    tele.destroy();
    bbs.destroy();
    fake.dispose();
  }
});

/** A teleconference for `handle`; screens given one Drawing share frames and rows. */
function open(drawing: Drawing, handle = 'bob', cols = 60, rows = 14, term = 'xterm-256color', options: Partial<TeleconferenceOptions> = {}): Caller {
  const fake = createFakeTerminal(cols, rows, term);
  const bbs = createBbsScreen(fake.terminal, { clock: drawing.clock });
  const tele = testTeleconference(bbs, handle, { rows: drawing.rows, ...options });
  const caller = { fake, bbs, tele, renders: 0 };
  bbs.screen.on('render', () => caller.renders++);
  opened.push(caller);
  return caller;
}

/** Every caller shown `message`, as the room delivers it: one after the other, in one tick. */
function deliver(callers: Caller[], message: ChatMessage): void {
  for (const caller of callers) caller.tele.show(message);
}

async function allSee(callers: Caller[], text: string): Promise<void> {
  await Promise.all(callers.map((caller) => caller.fake.vt.waitFor(text)));
  await Promise.all(callers.map((caller) => caller.fake.vt.settled()));
}

/** What blessed believes the terminal shows: its `olines`, row by row, trimmed like the terminal's rows. */
function blessedPicture(caller: Caller): string[] {
  const olines = (caller.bbs.screen as unknown as { olines: Array<Array<[number, string]>> }).olines;
  return olines.map((row) => row.map((cell) => cell[1]).join('').trimEnd());
}

/** The terminal's rows, trimmed (a coloured bar keeps its trailing blanks in the emulator). */
function seen(caller: Caller): string[] {
  return caller.fake.vt.lines().map((row) => row.trimEnd());
}

/** A minute ticker turned by the test. */
function manualMinutes(): MinuteTicker & { turn(): void } {
  const listeners = new Set<() => void>();
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    turn: () => listeners.forEach((listener) => listener()),
  };
}

/** The first write to `caller` since `from` that holds `text`. */
function writeWith(caller: Caller, from: number, text: string): string | undefined {
  return caller.fake.output.chunks.slice(from).find((chunk) => chunk.includes(text));
}

/** Three callers of one shape with a few lines on screen, every frame drawn. */
async function threeAtTheBottom(drawing: Drawing, handles = ['bob', 'bob', 'bob'], options: Partial<TeleconferenceOptions> = {}): Promise<Caller[]> {
  const callers = handles.map((handle) => open(drawing, handle, 60, 14, 'xterm-256color', options));
  for (let i = 1; i <= 12; i++) deliver(callers, say('alice', `warming up ${i}`));
  await allSee(callers, 'warming up 12');
  return callers;
}

describe('shared frames', () => {
  it('sends the same bytes to every screen of a shape, and each then shows what a full render draws', async () => {
    const drawing = createDrawing();
    const callers = await threeAtTheBottom(drawing);
    const marks = callers.map((caller) => caller.fake.output.chunks.length);
    const renders = callers.map((caller) => caller.renders);

    deliver(callers, say('carol', 'one line for everyone 🎉 中文'));
    await allSee(callers, 'carol: one line for everyone');
    expect(callers.map((caller) => caller.renders)).toEqual(renders);

    const writes = callers.map((caller, i) => writeWith(caller, marks[i]!, 'one line for everyone'));
    expect(writes[0]).toBeDefined();
    expect(writes[1]).toBe(writes[0]);
    expect(writes[2]).toBe(writes[0]);
    // Only the new row and the scroll: not the title, not the log again.
    expect(writes[0]).not.toContain('Test BBS');
    expect(writes[0]).not.toContain('warming up');

    const reference = open(createDrawing(), 'bob');
    for (let i = 1; i <= 12; i++) reference.tele.show(say('alice', `warming up ${i}`));
    reference.tele.show(say('carol', 'one line for everyone 🎉 中文'));
    await allSee([reference], 'carol: one line for everyone');
    for (const caller of callers) {
      expect(seen(caller)).toEqual(seen(reference));
      expect(blessedPicture(caller)).toEqual(seen(caller));
    }
  });

  it('keeps blessed in step: after shared frames, a keystroke redraws only the input line', async () => {
    const drawing = createDrawing();
    const callers = await threeAtTheBottom(drawing);
    for (let i = 1; i <= 5; i++) {
      deliver(callers, say('carol', `shared ${i}`));
      await allSee(callers, `carol: shared ${i}`);
    }
    const [bob] = callers;
    const mark = bob!.fake.output.chunks.length;
    bob!.fake.type('x');
    await bob!.fake.vt.waitFor('> x');
    expect(bob!.fake.output.chunks.slice(mark).join('')).not.toMatch(/shared|warming/);
    expect(blessedPicture(bob!)).toEqual(seen(bob!));
  });

  it('lets a scrolled-back screen draw itself, and it shows the line below once back at the bottom', async () => {
    const drawing = createDrawing();
    const [reader, ...others] = await threeAtTheBottom(drawing);
    reader!.fake.type(PAGE_UP);
    await reader!.fake.vt.waitFor('more below');
    const marks = [reader!, ...others].map((caller) => caller.fake.output.chunks.length);
    const renders = [reader!, ...others].map((caller) => caller.renders);

    deliver([reader!, ...others], say('carol', 'while you were reading'));
    await allSee(others, 'carol: while you were reading');
    await reader!.fake.vt.waitFor('-- 2 more below (PgDn) --');
    expect([reader!, ...others].map((caller) => caller.renders)).toEqual([renders[0]! + 1, renders[1], renders[2]]);

    const shared = writeWith(others[0]!, marks[1]!, 'while you were reading');
    expect(writeWith(others[1]!, marks[2]!, 'while you were reading')).toBe(shared);
    expect(reader!.fake.output.chunks.slice(marks[0]).join('')).not.toContain('while you were reading');
    expect(blessedPicture(reader!)).toEqual(seen(reader!));

    reader!.fake.type('\x1b[6~\x1b[6~');
    await reader!.fake.vt.waitFor('carol: while you were reading');
    expect(seen(reader!)).toEqual(seen(others[0]!));
  });

  it('lets a resized screen draw itself at its new size', async () => {
    const drawing = createDrawing();
    const [resized, ...others] = await threeAtTheBottom(drawing);
    const marks = [resized!, ...others].map((caller) => caller.fake.output.chunks.length);
    resized!.fake.resize(70, 16);
    await resized!.fake.vt.until(() => seen(resized!)[15] === '>', 'the prompt on the new last row');
    deliver([resized!, ...others], say('carol', 'after the resize'));
    await allSee([resized!, ...others], 'carol: after the resize');

    const shared = writeWith(others[0]!, marks[1]!, 'after the resize');
    expect(writeWith(others[1]!, marks[2]!, 'after the resize')).toBe(shared);
    expect(writeWith(resized!, marks[0]!, 'after the resize')).not.toBe(shared);
    expect(seen(resized!)[0]).toMatch(/^ Test BBS +Node 2 \| bob \| 3 in room \| 09:05$/);
    expect(seen(resized!)[13]).toBe('[09:05] carol: after the resize');
    expect(blessedPicture(resized!)).toEqual(seen(resized!));
  });

  it('keeps every screen right when one is dragged through more widths than the row cache keeps', async () => {
    const drawing = createDrawing();
    const [dragged, ...others] = await threeAtTheBottom(drawing);
    const widths = Array.from({ length: MAX_SHAPES + 6 }, (_, i) => 61 + i);
    for (const width of widths) {
      dragged!.fake.resize(width, 14);
      await dragged!.fake.vt.until(() => (dragged!.bbs.screen.width as number) === width, `laid out at ${width}`);
      deliver([dragged!, ...others], say('carol', `at ${width}`));
      await allSee([dragged!, ...others], `carol: at ${width}`);
    }
    // The others' shape (60 columns) was dropped from the cache long ago: they keep theirs and still share.
    const marks = others.map((caller) => caller.fake.output.chunks.length);
    const late = open(drawing, 'bob');
    deliver([dragged!, ...others, late], say('carol', 'after the drag'));
    await allSee([dragged!, ...others, late], 'carol: after the drag');
    expect(writeWith(others[1]!, marks[1]!, 'after the drag')).toBe(writeWith(others[0]!, marks[0]!, 'after the drag'));
    for (const caller of [dragged!, ...others, late]) {
      expect(seen(caller).at(-3)).toBe('[09:05] carol: after the drag');
      expect(blessedPicture(caller)).toEqual(seen(caller));
    }
    expect(seen(others[0]!)).toEqual(seen(others[1]!));
  });

  it('draws a private line on its own screen only, and the others share theirs', async () => {
    const drawing = createDrawing();
    const [bob, ...others] = await threeAtTheBottom(drawing);
    const marks = [bob!, ...others].map((caller) => caller.fake.output.chunks.length);
    const renders = [bob!, ...others].map((caller) => caller.renders);
    bob!.tele.show({ kind: 'direct', at, from: 'alice', to: 'bob', text: 'just for you' });
    deliver(others, say('carol', 'for the others'));
    await allSee(others, 'carol: for the others');
    await bob!.fake.vt.waitFor('*alice* → you: just for you');
    expect([bob!, ...others].map((caller) => caller.renders)).toEqual([renders[0]! + 1, renders[1], renders[2]]);

    expect(writeWith(others[0]!, marks[1]!, 'for the others')).toBe(writeWith(others[1]!, marks[2]!, 'for the others'));
    expect(others.map((caller) => caller.fake.vt.text())).not.toContain('just for you');
    expect(blessedPicture(bob!)).toEqual(seen(bob!));
  });

  it('draws the turn of the minute as each screen\'s own title row: no full render, the log left alone', async () => {
    const drawing = createDrawing();
    const minutes = manualMinutes();
    let time = at;
    const handles = ['bob', 'carol', 'dave'];
    const callers = await threeAtTheBottom(drawing, handles, { minutes, now: () => time });
    const marks = callers.map((caller) => caller.fake.output.chunks.length);
    const renders = callers.map((caller) => caller.renders);

    time = at + 60_000;
    minutes.turn();
    await Promise.all(callers.map((caller) => caller.fake.vt.until(() => seen(caller)[0]!.endsWith('| 09:06'), 'the clock at 09:06')));
    expect(callers.map((caller) => caller.renders)).toEqual(renders);
    callers.forEach((caller, i) => {
      const written = caller.fake.output.chunks.slice(marks[i]).join('');
      expect(written).toContain(`| ${handles[i]} |`);
      expect(written).not.toMatch(/warming|Type \/help/);
      expect(blessedPicture(caller)).toEqual(seen(caller));
    });

    const reference = open(createDrawing(), 'bob', 60, 14, 'xterm-256color', { now: () => time });
    for (let i = 1; i <= 12; i++) reference.tele.show(say('alice', `warming up ${i}`));
    await allSee([reference], 'warming up 12');
    expect(seen(callers[0]!)).toEqual(seen(reference));
    // The bar is white on blue, bold, from the first column to the last.
    for (const caller of [callers[0]!, reference]) {
      for (const x of [0, 30, 59]) expect(caller.fake.vt.cellLook(x, 0)).toEqual({ fg: 7, bg: 4, bold: true });
    }
  });

  it('sends a line and the turn of the minute in one write: the shared bytes, then the screen\'s own title', async () => {
    const drawing = createDrawing();
    const minutes = manualMinutes();
    let time = at;
    const callers = await threeAtTheBottom(drawing, ['bob', 'carol', 'dave'], { minutes, now: () => time });
    const marks = callers.map((caller) => caller.fake.output.chunks.length);
    const renders = callers.map((caller) => caller.renders);

    time = at + 60_000;
    deliver(callers, say('erin', 'on the minute'));
    minutes.turn();
    await allSee(callers, 'erin: on the minute');
    expect(callers.map((caller) => caller.renders)).toEqual(renders);
    const writes = callers.map((caller, i) => caller.fake.output.chunks.slice(marks[i]));
    expect(writes.map((list) => list.length)).toEqual([1, 1, 1]);
    const sharedParts = writes.map(([write]) => write!.slice(0, write!.indexOf(' Test BBS')));
    expect(sharedParts[0]).toContain('on the minute');
    expect(sharedParts[1]).toBe(sharedParts[0]);
    expect(sharedParts[2]).toBe(sharedParts[0]);
    for (const caller of callers) {
      expect(seen(caller)[0]).toMatch(/\| 09:06$/);
      expect(blessedPicture(caller)).toEqual(seen(caller));
    }
  });

  it('draws a new head count as the title row alone', async () => {
    const drawing = createDrawing();
    let count = 3;
    const callers = await threeAtTheBottom(drawing, ['bob', 'carol', 'dave'], { roomCount: () => count });
    const renders = callers.map((caller) => caller.renders);
    count = 4;
    for (const caller of callers) caller.tele.refresh();
    await Promise.all(callers.map((caller) => caller.fake.vt.until(() => seen(caller)[0]!.includes('| 4 in room |'), 'four in the room')));
    expect(callers.map((caller) => caller.renders)).toEqual(renders);
    for (const caller of callers) expect(blessedPicture(caller)).toEqual(seen(caller));
  });

  it.each(['xterm-256color', 'screen', 'vt100', 'vt102', 'ansi'])(
    'draws TERM=%s line by line as a full render draws it, with or without a scroll region',
    async (term) => {
      const drawing = createDrawing();
      const callers = [open(drawing, 'bob', 60, 14, term), open(drawing, 'bob', 60, 14, term)];
      const text = (i: number) => (i % 4 === 0 ? `a longer line ${i} ${'that wraps '.repeat(6)}end` : `line ${i}`);
      for (let i = 1; i <= 14; i++) {
        deliver(callers, say('alice', text(i)));
        await allSee(callers, `alice: ${text(i).slice(0, 20)}`);
      }
      const reference = open(createDrawing(), 'bob', 60, 14, term);
      for (let i = 1; i <= 14; i++) reference.tele.show(say('alice', text(i)));
      await allSee([reference], 'alice: line 14');
      for (const caller of callers) {
        expect(seen(caller)).toEqual(seen(reference));
        expect(blessedPicture(caller)).toEqual(seen(caller));
      }
    },
  );
});
