import { afterEach, describe, expect, it } from 'vitest';
import { createBbsScreen, type BbsScreen } from '../../src/ui/screen.js';
import { createFakeTerminal, type FakeTerminal } from '../helpers/virtual-terminal.js';

type Bag = Record<string, unknown>;
interface ProgramView extends Bag {
  tput: Bag;
  put: Bag;
  _write(text: string): unknown;
}

const opened: Array<{ fake: FakeTerminal; bbs: BbsScreen }> = [];

function program(term: string): ProgramView {
  const fake = createFakeTerminal(40, 12, term);
  const bbs = createBbsScreen(fake.terminal);
  opened.push({ fake, bbs });
  return bbs.screen.program as unknown as ProgramView;
}

afterEach(() => {
  for (const { fake, bbs } of opened.splice(0)) {
    bbs.destroy();
    fake.dispose();
  }
});

/** A capability's answer: its value, or what it returns (or writes, for put) given two parameters. */
function answer(owner: Bag, key: string): unknown {
  const value = owner[key];
  if (typeof value !== 'function') return value;
  try {
    return (value as (...args: unknown[]) => unknown).call(owner, 3, 7);
  } catch (err) {
    return `threw ${String(err)}`;
  }
}

function writtenBy(p: ProgramView, key: string): unknown {
  const written: string[] = [];
  p._write = (text: string) => written.push(text);
  const result = answer(p.put, key);
  return [written, typeof result];
}

describe('terminfo shared between screens', () => {
  // Each TERM's first screen compiles it with blessed's own code; the second uses the shared copy.
  it.each(['xterm-256color', 'xterm', 'screen', 'linux', 'vt100', 'rxvt-unicode-256color'])(
    '%s: the second screen answers every capability as the first does, without copies of its own',
    (term) => {
      const first = program(term);
      const second = program(term);
      const keys = Object.keys(first.tput);
      expect(keys.length).toBeGreaterThan(300);
      for (const key of keys) {
        expect([key, answer(second.tput, key)]).toEqual([key, answer(first.tput, key)]);
        // What the Program took from its Tput (it keeps its own options, input, output …).
        if (first[key] === first.tput[key]) expect([key, answer(second, key)]).toEqual([key, answer(first, key)]);
        else expect(second[key]).not.toBe(second.tput[key]);
        expect([key, writtenBy(second, key)]).toEqual([key, writtenBy(first, key)]);
      }
      expect(Object.keys(second.tput).length).toBeLessThan(50);
      expect(Object.keys(second.put).length).toBeLessThan(50);
    },
  );

  it('keeps per-screen state on each screen: a feature changed on one is not changed on the other', () => {
    const first = program('xterm');
    const second = program('xterm');
    const third = program('xterm');
    second.tput['brokenACS'] = !third.tput['brokenACS'];
    expect(second.tput['brokenACS']).not.toBe(third.tput['brokenACS']);
    expect(first.tput['info']).toBe(third.tput['info']);
  });
});

describe('blank cells', () => {
  type Cell = [number, string];
  interface CellScreen {
    dattr: number;
    lines: Cell[][];
    olines: Cell[][];
    blankLine(ch?: string, dirty?: boolean): Cell[] & { dirty?: boolean };
  }

  it('hold blessed\'s values; a fresh row from blankLine has cells of its own: writing one changes no other', () => {
    const fake = createFakeTerminal(10, 4);
    const bbs = createBbsScreen(fake.terminal);
    opened.push({ fake, bbs });
    const screen = bbs.screen as unknown as CellScreen;
    const blank = [screen.dattr, ' '];
    for (const row of [...screen.lines, ...screen.olines]) expect([...row]).toEqual(Array.from({ length: 10 }, () => blank));
    const rows = [screen.blankLine(), screen.blankLine(), screen.blankLine(' ', true)];
    for (const row of rows) expect([...row]).toEqual(Array.from({ length: 10 }, () => blank));
    for (const row of rows) (row[3] as Cell)[0] = 7;
    const written = rows.flatMap((row) => row.filter((cell) => cell[0] === 7));
    expect(written).toHaveLength(rows.length);
    expect(new Set(rows.flat()).size).toBe(rows.length * 10);
    expect(screen.blankLine('x', true).dirty).toBe(true);
    expect(screen.blankLine('x')[0]).toEqual([screen.dattr, 'x']);
  });

  it('are not made again when the screen is destroyed: it keeps no rows', () => {
    const fake = createFakeTerminal(10, 4);
    const bbs = createBbsScreen(fake.terminal);
    const screen = bbs.screen as unknown as CellScreen;
    bbs.destroy();
    fake.dispose();
    expect([screen.lines, screen.olines]).toEqual([[], []]);
  });
});
