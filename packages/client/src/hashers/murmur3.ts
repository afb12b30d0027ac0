const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/**
 * MurmurHash3, x86 32-bit variant, as an unsigned 32-bit number: the hash pymemcache's
 * rendezvous hashing scores nodes with. `start` and `end` pick a range, so a caller can hash
 * part of a reused scratch buffer without making a view of it.
 */
export function murmur3_32(bytes: Uint8Array, seed = 0, start = 0, end: number = bytes.length): number {
  let hash = seed >>> 0;
  const length = end - start;
  const blocks = start + (length & ~3);
  for (let index = start; index < blocks; index += 4) {
    let block =
      bytes[index]! | (bytes[index + 1]! << 8) | (bytes[index + 2]! << 16) | (bytes[index + 3]! << 24);
    block = Math.imul(block, C1);
    block = (block << 15) | (block >>> 17);
    block = Math.imul(block, C2);
    hash ^= block;
    hash = (hash << 13) | (hash >>> 19);
    hash = (Math.imul(hash, 5) + 0xe6546b64) | 0;
  }
  const remainder = length & 3;
  if (remainder > 0) {
    let tail = bytes[blocks]!;
    if (remainder > 1) tail |= bytes[blocks + 1]! << 8;
    if (remainder > 2) tail |= bytes[blocks + 2]! << 16;
    tail = Math.imul(tail, C1);
    tail = (tail << 15) | (tail >>> 17);
    hash ^= Math.imul(tail, C2);
  }
  hash ^= length;
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}
