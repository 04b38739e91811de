import { randomFillSync } from 'node:crypto';

// Random bytes are drawn from the OS in 4 KiB blocks: one call per ~400 ids instead of one per 16,
// which is most of what an id costs on the redirect path.
const POOL_BYTES = 4096;
const BYTES_PER_ID = 10;
const pool = Buffer.allocUnsafe(POOL_BYTES);
let offset = POOL_BYTES;
const HEX = Array.from({ length: 256 }, (_, i) => (i + 0x100).toString(16).slice(1));

let lastMs = -Infinity;
let counter = 0;

/**
 * A UUIDv7 (RFC 9562): 48-bit Unix milliseconds, version 7, a 12-bit counter, the variant, and 62
 * random bits. Ids are strictly increasing within the process: each new millisecond seeds the
 * counter at random in its lower half, ids of the same millisecond count up (RFC 9562 §6.2,
 * method 1), and when the counter runs out, or the clock steps back, the timestamp is carried
 * forward from the last one issued.
 */
export function uuidV7(now: number = Date.now()): string {
  if (offset + BYTES_PER_ID > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const o = offset;
  offset += BYTES_PER_ID;
  if (now > lastMs) {
    lastMs = now;
    counter = ((pool[o] << 8) | pool[o + 1]) & 0x7ff;
  } else if (++counter > 0xfff) {
    lastMs++;
    counter = 0;
  }
  const ms = lastMs;
  const high = Math.floor(ms / 0x10000);
  const low = ms % 0x10000;
  return (
    HEX[(high >>> 24) & 0xff] +
    HEX[(high >>> 16) & 0xff] +
    HEX[(high >>> 8) & 0xff] +
    HEX[high & 0xff] +
    '-' +
    HEX[low >>> 8] +
    HEX[low & 0xff] +
    '-' +
    HEX[0x70 | (counter >>> 8)] +
    HEX[counter & 0xff] +
    '-' +
    HEX[0x80 | (pool[o + 2] & 0x3f)] +
    HEX[pool[o + 3]] +
    '-' +
    HEX[pool[o + 4]] +
    HEX[pool[o + 5]] +
    HEX[pool[o + 6]] +
    HEX[pool[o + 7]] +
    HEX[pool[o + 8]] +
    HEX[pool[o + 9]]
  );
}
