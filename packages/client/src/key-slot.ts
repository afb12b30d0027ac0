import type { Key } from '@mc/protocol';

/**
 * Which of `count` sockets carries `key`: a stable hash (FNV-1a over the key's UTF-16 units
 * or bytes), so every command for one key rides one socket and keeps its call order.
 */
export function keySlot(key: Key, count: number): number {
  if (count === 1) return 0;
  let hash = 0x811c9dc5;
  if (typeof key === 'string') {
    for (let index = 0; index < key.length; index++) {
      hash ^= key.charCodeAt(index);
      hash = Math.imul(hash, 0x01000193);
    }
  } else {
    for (let index = 0; index < key.length; index++) {
      hash ^= key[index]!;
      hash = Math.imul(hash, 0x01000193);
    }
  }
  return (hash >>> 0) % count;
}
