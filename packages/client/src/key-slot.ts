import type { Key } from '@mc/protocol';

/**
 * Which of `count` sockets carries `key`: a stable hash (FNV-1a over the key's bytes as sent,
 * a string as UTF-8), so every command for one key rides one socket and keeps its call order,
 * whether the key was given as a string or as its bytes.
 */
export function keySlot(key: Key, count: number): number {
  if (count === 1) return 0;
  let hash = 0x811c9dc5;
  if (typeof key === 'string') {
    for (let index = 0; index < key.length; index++) {
      const code = key.charCodeAt(index);
      if (code >= 0x80) return hashBytes(hash, Buffer.from(key.slice(index), 'utf8'), count);
      hash ^= code;
      hash = Math.imul(hash, 0x01000193);
    }
    return (hash >>> 0) % count;
  }
  return hashBytes(hash, key, count);
}

/** FNV-1a over `bytes` from `hash` (after a string's ASCII run, the UTF-8 of its rest). */
function hashBytes(hash: number, bytes: Uint8Array, count: number): number {
  let value = hash;
  for (let index = 0; index < bytes.length; index++) {
    value ^= bytes[index]!;
    value = Math.imul(value, 0x01000193);
  }
  return (value >>> 0) % count;
}
