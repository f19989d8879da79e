import { EventEmitter } from 'node:events';
import type { ServerChannel } from 'ssh2';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  clampSize,
  createChannelTerminal,
  INPUT_BURST_BYTES,
  INPUT_BYTES_PER_SECOND,
  MAX_COLS,
  MAX_ROWS,
  MIN_COLS,
  MIN_ROWS,
} from '../../src/ssh/terminal.js';
import { createLayoutBudget, RESIZE_INTERVAL_MS } from '../../src/ssh/resize-throttle.js';

describe('clampSize', () => {
  it.each([
    [0, 0, 80, 24],
    [80, 24, 80, 24],
    [65535, 65535, MAX_COLS, MAX_ROWS],
    [4294967295, 1, MAX_COLS, MIN_ROWS],
    [1, 1, MIN_COLS, MIN_ROWS],
    [-5, Number.NaN, 80, 24],
    ['80', undefined, 80, 24],
    [132.7, 43.2, 132, 43],
  ])('%s x %s → %i x %i', (cols, rows, wantCols, wantRows) => {
    expect(clampSize(cols, rows)).toEqual({ cols: wantCols, rows: wantRows });
  });
});

describe('window-change throttling', () => {
  afterEach(() => vi.useRealTimers());

  function setUp(budget = createLayoutBudget(1000, () => Date.now())) {
    vi.useFakeTimers();
    const channel = new EventEmitter();
    const terminal = createChannelTerminal(channel as unknown as ServerChannel, 'xterm', { cols: 80, rows: 24 }, { layouts: budget });
    const layouts: string[] = [];
    terminal.output.on('resize', () => layouts.push(`${terminal.output.columns}x${terminal.output.rows}`));
    return { terminal, layouts };
  }

  it('lays out at once, then at most once per interval with the last size asked for', () => {
    const { terminal, layouts } = setUp();
    terminal.resize(100, 30);
    expect(layouts).toEqual(['100x30']);
    for (let i = 0; i < 40; i++) terminal.resize(60 + i, 20 + (i % 5));
    terminal.resize(120, 40);
    expect(layouts).toEqual(['100x30']);
    vi.advanceTimersByTime(RESIZE_INTERVAL_MS);
    expect(layouts).toEqual(['100x30', '120x40']);
    vi.advanceTimersByTime(10 * RESIZE_INTERVAL_MS);
    expect(layouts).toEqual(['100x30', '120x40']);
  });

  it('skips a layout when the storm ends where it began, and close() drops a pending one', () => {
    const { terminal, layouts } = setUp();
    terminal.resize(100, 30);
    terminal.resize(90, 30);
    terminal.resize(100, 30);
    vi.advanceTimersByTime(RESIZE_INTERVAL_MS);
    expect(layouts).toEqual(['100x30']);
    vi.advanceTimersByTime(RESIZE_INTERVAL_MS);
    terminal.resize(70, 20);
    terminal.resize(75, 20);
    terminal.close();
    vi.advanceTimersByTime(RESIZE_INTERVAL_MS);
    expect(layouts).toEqual(['100x30', '70x20']);
  });

  it('shares a board-wide budget: many resizing screens together get only so many layouts a second, evenly spaced', () => {
    vi.useFakeTimers();
    const budget = createLayoutBudget(4, () => Date.now());
    const screens = Array.from({ length: 10 }, () => setUp(budget));
    const laidOut = () => screens.filter((s) => s.layouts.length === 1).length;
    screens.forEach(({ terminal }, i) => terminal.resize(100 + i, 30));
    expect(laidOut()).toBe(1); // none saved up: the burst gets one now, not four
    vi.advanceTimersByTime(249);
    expect(laidOut()).toBe(1);
    vi.advanceTimersByTime(1);
    expect(laidOut()).toBe(2);
    vi.advanceTimersByTime(1000);
    expect(laidOut()).toBe(6);
    vi.advanceTimersByTime(1000);
    expect(laidOut()).toBe(10);
    vi.advanceTimersByTime(10_000);
    expect(screens.every((s) => s.layouts.length === 1)).toBe(true);
  });
});

describe('input byte budget', () => {
  function setUp() {
    let t = 0;
    const channel = new EventEmitter();
    const terminal = createChannelTerminal(channel as unknown as ServerChannel, 'xterm', { cols: 80, rows: 24 }, { now: () => t });
    let passed = 0;
    terminal.input.on('data', (chunk: Buffer) => (passed += chunk.length));
    const dropped: number[] = [];
    terminal.onInputDropped((bytes) => dropped.push(bytes));
    const send = (bytes: number) => channel.emit('data', Buffer.alloc(bytes, 0x61));
    return { send, dropped, passed: () => passed, wait: (ms: number) => (t += ms) };
  }

  it('passes everything within the budget and reports an overflow once, until the budget has filled up again', async () => {
    const { send, dropped, passed, wait } = setUp();
    send(INPUT_BURST_BYTES);
    expect(dropped).toEqual([]);
    send(1000);
    send(1000);
    wait(100);
    send(1000); // ~410 bytes of budget came back: they pass, the rest is dropped, not reported again
    await new Promise((resolve) => setImmediate(resolve));
    expect(dropped).toEqual([1000]);
    expect(passed()).toBe(INPUT_BURST_BYTES + Math.floor(0.1 * INPUT_BYTES_PER_SECOND));
    wait((INPUT_BURST_BYTES / INPUT_BYTES_PER_SECOND) * 1000);
    send(INPUT_BURST_BYTES + 1);
    expect(dropped).toEqual([1000, 1]);
  });
});
