import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startIdleTimer } from '../../src/idle-timer.js';

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

function timer(idleMs: number) {
  const input = new EventEmitter();
  const events: string[] = [];
  const stop = startIdleTimer({ idleMs, input, onWarn: (s) => events.push(`warn ${s}s`), onIdle: () => events.push('idle') });
  return { input, events, stop };
}

describe('startIdleTimer', () => {
  it('warns a minute before, then hangs up', () => {
    const { events } = timer(30 * 60_000);
    vi.advanceTimersByTime(29 * 60_000 - 1);
    expect(events).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(events).toEqual(['warn 60s']);
    vi.advanceTimersByTime(60_000);
    expect(events).toEqual(['warn 60s', 'idle']);
  });

  it('starts again on every keystroke', () => {
    const { input, events } = timer(10 * 60_000);
    vi.advanceTimersByTime(9 * 60_000 - 1);
    input.emit('data', Buffer.from('x'));
    vi.advanceTimersByTime(9 * 60_000 - 1);
    input.emit('data', Buffer.from('y'));
    vi.advanceTimersByTime(9 * 60_000 - 1);
    expect(events).toEqual([]);
    vi.advanceTimersByTime(60_001);
    expect(events).toEqual(['warn 60s', 'idle']);
  });

  it('does nothing when off, and nothing after stop', () => {
    const off = timer(0);
    const stopped = timer(60_000);
    stopped.stop();
    vi.advanceTimersByTime(10 * 60_000);
    expect([...off.events, ...stopped.events]).toEqual([]);
    expect(stopped.input.listenerCount('data')).toBe(0);
  });
});
