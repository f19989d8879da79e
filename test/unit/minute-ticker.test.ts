import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMinuteTicker } from '../../src/ui/minute-ticker.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('minute ticker', () => {
  it('wakes every subscriber at each minute turn, with one timer for all of them', () => {
    vi.useFakeTimers({ now: Date.UTC(2024, 0, 15, 9, 5, 59, 500) });
    const ticker = createMinuteTicker();
    const woken: string[] = [];
    const stopA = ticker.subscribe(() => woken.push('a'));
    const stopB = ticker.subscribe(() => woken.push('b'));
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(499);
    expect(woken).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(woken).toEqual(['a', 'b']);
    stopA();
    vi.advanceTimersByTime(60_000);
    expect(woken).toEqual(['a', 'b', 'b']);
    stopB();
    expect(vi.getTimerCount()).toBe(0);
  });
});
