/**
 * Random bytes for small fills, drawn from Node's CSPRNG a pool at a time. ssh2 pads every packet
 * it sends with 4 to 11 random bytes, each through crypto.randomFillSync: one CSPRNG job per
 * packet with a fixed cost of ~5 µs, which was ~10% of a worker's time in a busy room, where each
 * line goes out as one packet per caller. Fills of up to SMALL_FILL bytes into a Buffer are copied
 * from a pool that randomFillSync itself refills POOL_SIZE bytes at a time; every byte is handed
 * out once. Anything else goes to Node's own function, as before.
 *
 * ssh2 takes randomFillSync from the crypto module when it loads, so this is installed by
 * importing this module before anything imports ssh2 (the first import of main.ts).
 */
import crypto from 'node:crypto';

const SMALL_FILL = 64;
const POOL_SIZE = 64 * 1024;

const nodeFill = crypto.randomFillSync;
const pool = Buffer.alloc(POOL_SIZE);
let used = POOL_SIZE;

function randomFillSync<T extends NodeJS.ArrayBufferView>(buffer: T, offset?: number, size?: number): T {
  if (!Buffer.isBuffer(buffer) || !Number.isInteger(offset) || !Number.isInteger(size)) return nodeFill(buffer, offset, size);
  const [from, count] = [offset!, size!];
  if (count > SMALL_FILL || from < 0 || count < 0 || from + count > buffer.length) return nodeFill(buffer, offset, size);
  if (used + count > POOL_SIZE) {
    nodeFill(pool);
    used = 0;
  }
  pool.copy(buffer, from, used, used + count);
  used += count;
  return buffer;
}

crypto.randomFillSync = randomFillSync;
