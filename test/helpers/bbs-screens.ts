/**
 * BbsScreens on fake terminals for unit tests: each one opened here is destroyed, and its
 * terminal disposed, by closeScreens() (call it in afterEach).
 */
import { vi } from 'vitest';
import { RENDER_MARK, createBbsScreen, type BbsScreen } from '../../src/ui/screen.js';
import { createFakeTerminal, type FakeTerminal } from './virtual-terminal.js';

const opened: Array<{ fake: FakeTerminal; screen?: BbsScreen }> = [];

/** Destroys `screen` and disposes `fake` at closeScreens(): for a test that makes its own. */
export function keep(fake: FakeTerminal, screen?: BbsScreen): void {
  opened.push({ fake, screen });
}

export function open(cols = 40, rows = 12, term = 'xterm-256color'): { fake: FakeTerminal; bbs: BbsScreen } {
  const fake = createFakeTerminal(cols, rows, term);
  const bbs = createBbsScreen(fake.terminal);
  keep(fake, bbs);
  return { fake, bbs };
}

/** A screen whose channel is over the render mark, with a render held back and the stall clock (1 s) running. */
export async function heldBackScreen(): Promise<{ fake: FakeTerminal; bbs: BbsScreen; onStall: ReturnType<typeof vi.fn> }> {
  const fake = createFakeTerminal(40, 12);
  const onStall = vi.fn();
  const bbs = createBbsScreen(fake.terminal, { stallMs: 1000, onStall });
  keep(fake, bbs);
  fake.output.backlog = RENDER_MARK + 1;
  bbs.requestRender();
  await ticks();
  return { fake, bbs, onStall };
}

/** Runs `test` with setTimeout and clearTimeout faked (the frame and stall clocks), and real ones again after. */
export async function withFakeTimeouts(test: () => Promise<void>): Promise<void> {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  try {
    await test();
  } finally {
    vi.useRealTimers();
  }
}

/** Lets pending setImmediate callbacks (renders, blessed's output flush) run. */
export async function ticks(n = 3): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

export function closeScreens(): void {
  for (const { fake, screen } of opened.splice(0)) {
    screen?.destroy();
    fake.dispose();
  }
}
