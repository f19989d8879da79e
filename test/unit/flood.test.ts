import { describe, expect, it } from 'vitest';
import { createFloodGate } from '../../src/chat/flood.js';

function gateWithClock(burst: number, perSecond: number) {
  let time = 1_000_000;
  const gate = createFloodGate({ burst, perSecond, now: () => time });
  return { gate, advance: (ms: number) => (time += ms) };
}

function takeMany(gate: { take(): boolean }, count: number): boolean[] {
  return Array.from({ length: count }, () => gate.take());
}

describe('createFloodGate', () => {
  it('lets a burst through at once, then refuses', () => {
    const { gate } = gateWithClock(5, 1);
    expect(takeMany(gate, 7)).toEqual([true, true, true, true, true, false, false]);
  });

  it('refills at perSecond', () => {
    const { gate, advance } = gateWithClock(5, 1);
    takeMany(gate, 5);
    advance(999);
    expect(gate.take()).toBe(false);
    advance(1);
    expect(gate.take()).toBe(true);
    expect(gate.take()).toBe(false);
  });

  it('never holds more than the burst', () => {
    const { gate, advance } = gateWithClock(3, 1);
    advance(60_000);
    expect(takeMany(gate, 4)).toEqual([true, true, true, false]);
  });

  it('refuses without spending: a caller who waits gets through', () => {
    const { gate, advance } = gateWithClock(1, 2);
    expect(takeMany(gate, 3)).toEqual([true, false, false]);
    advance(500);
    expect(gate.take()).toBe(true);
  });

  it('handles fractional rates', () => {
    const { gate, advance } = gateWithClock(1, 0.5);
    gate.take();
    advance(1_000);
    expect(gate.take()).toBe(false);
    advance(1_000);
    expect(gate.take()).toBe(true);
  });

  it('refills nothing when the clock steps back', () => {
    const { gate, advance } = gateWithClock(2, 1);
    takeMany(gate, 2);
    advance(-10_000);
    expect(gate.take()).toBe(false);
    advance(10_000);
    expect(gate.take()).toBe(false);
    advance(1_000);
    expect(gate.take()).toBe(true);
  });
});
