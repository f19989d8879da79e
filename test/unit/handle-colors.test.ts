/**
 * Handle colours: a stable default per handle, spread over the palette; every colour readable on
 * dark and light backgrounds at 256 colours; basic colours only (no yellow, no bright ones) at 16
 * and 8; no colour at all on a terminal without colours; own lines bold and not shared.
 */
import { describe, expect, it } from 'vitest';
import { defaultHandleColor, HANDLE_COLORS, handleColorOf } from '../../src/chat/handle-color.js';
import type { ChatMessage } from '../../src/chat/messages.js';
import { formatRows, isShared, type StyledLine } from '../../src/ui/message-lines.js';
import { createLogRows } from '../../src/ui/log-rows.js';

const shape = (colors: number, term = 'xterm') => createLogRows().shape({ term, colors, el: '\x1b[K' }, 40);
const encoded = (colors: number, line: StyledLine) => shape(colors).line(line).rows[0]!.bytes;

/** WCAG relative luminance of an xterm-256 colour cube entry (16–231). */
function luminance(index: number): number {
  const levels = [0, 95, 135, 175, 215, 255];
  const i = index - 16;
  const channel = (v: number) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const [r, g, b] = [levels[Math.floor(i / 36)]!, levels[Math.floor(i / 6) % 6]!, levels[i % 6]!].map(channel);
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

describe('handle colours', () => {
  it('gives each handle a stable default, whatever its case, and spreads handles over the palette', () => {
    expect(defaultHandleColor('Alice')).toBe(defaultHandleColor('alice'));
    const seen = new Set(Array.from({ length: 200 }, (_, i) => defaultHandleColor(`caller${i}`)));
    expect([...seen].sort()).toEqual([...HANDLE_COLORS].sort());
    expect(handleColorOf('alice', 'purple')).toBe('purple');
    expect(handleColorOf('alice', 'chartreuse')).toBe(defaultHandleColor('alice'));
  });

  it.each(HANDLE_COLORS)('%s is readable on black and on white (contrast ≥ 3.5:1) at 256 colours', (color) => {
    const bytes = encoded(256, [{ text: 'alice', style: `handle-${color}` }]);
    const index = Number(/\x1b\[38;5;(\d+)m/.exec(bytes)?.[1]);
    expect(index).toBeGreaterThanOrEqual(16);
    const l = luminance(index);
    expect((l + 0.05) / 0.05).toBeGreaterThanOrEqual(3.5);
    expect(1.05 / (l + 0.05)).toBeGreaterThanOrEqual(3.5);
  });

  it.each([16, 8])('uses only basic colours other than yellow at %i colours', (colors) => {
    for (const color of HANDLE_COLORS) {
      const code = Number(/\x1b\[(\d+)m/.exec(encoded(colors, [{ text: 'alice', style: `handle-${color}` }]))?.[1]);
      expect([31, 32, 34, 35, 36]).toContain(code);
    }
  });

  it('draws no colour on a terminal without colours; an own line is bold there too', () => {
    const line: StyledLine = [
      { text: 'alice', style: 'handle-purple' },
      { text: 'hi', style: 'text' },
      { text: 'me', style: 'own-text' },
    ];
    const bytes = shape(-1, 'vt100').line(line).rows[0]!.bytes;
    expect(bytes).not.toMatch(/\x1b\[[0-9;]*3\d/);
    expect(bytes).not.toMatch(/\x1b\[[0-9;]*38;5/);
    expect(bytes).toContain('\x1b[1m');
  });
});

describe('a handle colour belongs to the message; own lines stand out on their sender’s screen only', () => {
  const line: ChatMessage = { kind: 'public', from: 'alice', text: 'hi', at: 0, color: 'teal' };

  it('is the same rows for every other viewer, and bold and unshared for its sender', () => {
    const forBob = formatRows(line, { handle: 'bob' });
    expect(formatRows(line, { handle: 'carol' })).toBe(forBob);
    expect(forBob[0]!.map((s) => s.style)).toEqual(['timestamp', 'handle-teal', 'handle-teal', 'text']);
    expect(isShared(line, { handle: 'bob' })).toBe(true);
    const forAlice = formatRows(line, { handle: 'ALICE' });
    expect(forAlice[0]!.map((s) => s.style)).toEqual(['timestamp', 'own-teal', 'own-teal', 'own-text']);
    expect(isShared(line, { handle: 'alice' })).toBe(false);
    // Replayed from history, dimmed like every earlier line: shared again.
    expect(isShared(line, { handle: 'alice' }, { earlier: true })).toBe(true);
  });

  it('falls back to the default for a message without a colour or with one not in the palette', () => {
    const plain: ChatMessage = { kind: 'action', from: 'dave', text: 'waves', at: 0 };
    const odd = { ...plain, color: 'chartreuse' } as unknown as ChatMessage;
    expect(formatRows(plain, { handle: 'bob' })[0]![1]!.style).toBe(`handle-${defaultHandleColor('dave')}`);
    expect(formatRows(odd, { handle: 'bob' })[0]![1]!.style).toBe(`handle-${defaultHandleColor('dave')}`);
  });
});
