/**
 * Small random fills served from a pool (ssh2's packet padding): only the asked bytes change, no
 * byte is handed out twice (across refills of the pool too), and every other fill, and every bad
 * argument, is Node's own.
 */
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import '../../src/ssh/padding-random.js';

describe('padding random', () => {
  it('fills only the asked range of a Buffer, as ssh2 asks for its padding', () => {
    const packet = Buffer.alloc(40, 0xaa);
    crypto.randomFillSync(packet, 29, 11);
    expect(packet.subarray(0, 29).every((b) => b === 0xaa)).toBe(true);
    expect(packet.subarray(29).equals(Buffer.alloc(11, 0xaa))).toBe(false);
  });

  it('never hands out the same bytes twice, across several refills of its pool', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 30_000; i++) {
      const padding = Buffer.alloc(8);
      crypto.randomFillSync(padding, 0, 8);
      seen.add(padding.toString('hex'));
    }
    expect(seen.size).toBe(30_000); // 240 KB drawn: the 64 KiB pool refilled three times
  });

  it('leaves large fills, other views and defaults to Node', () => {
    const large = crypto.randomFillSync(Buffer.alloc(4096));
    expect(large.equals(Buffer.alloc(4096))).toBe(false);
    const words = crypto.randomFillSync(new Uint32Array(16));
    expect(words.some((w) => w !== 0)).toBe(true);
    const tail = crypto.randomFillSync(Buffer.alloc(32), 16);
    expect(tail.subarray(0, 16).equals(Buffer.alloc(16))).toBe(true);
  });

  it("refuses a range outside the buffer as Node's own does", () => {
    expect(() => crypto.randomFillSync(Buffer.alloc(8), 4, 8)).toThrow(RangeError);
    expect(() => crypto.randomFillSync(Buffer.alloc(8), -1, 4)).toThrow(RangeError);
  });
});
