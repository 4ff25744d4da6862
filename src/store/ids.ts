import { randomBytes } from 'node:crypto';

let lastMs = 0;
let sequence = 0;

/** Random bytes drawn 4 KB at a time: one randomBytes call per id was a measurable share of a write. */
const POOL_SIZE = 4096;
let pool = Buffer.alloc(0);
let poolOffset = POOL_SIZE;

function randomChunk(size: number): Buffer {
  if (poolOffset + size > pool.length) {
    pool = randomBytes(POOL_SIZE);
    poolOffset = 0;
  }
  const chunk = Buffer.from(pool.subarray(poolOffset, poolOffset + size));
  poolOffset += size;
  return chunk;
}

/**
 * A UUIDv7-shaped id (48-bit millisecond time, 12-bit per-process sequence, random tail).
 * Log entries written in the same millisecond keep their order when sorted by (at, id).
 */
export function timeOrderedId(nowMs: number = Date.now()): string {
  if (nowMs > lastMs) {
    lastMs = nowMs;
    sequence = randomChunk(2).readUInt16BE(0) & 0x3ff; // random start, headroom before overflow
  } else if (++sequence > 0xfff) {
    lastMs += 1; // sequence exhausted: borrow the next millisecond rather than repeat an id
    sequence = 0;
  }
  const bytes = randomChunk(16);
  bytes.writeUIntBE(lastMs, 0, 6);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
