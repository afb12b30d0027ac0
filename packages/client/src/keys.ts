import { type Key, MemcacheIllegalInputError } from '@mc/protocol';

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Rejects what is neither a string nor bytes before it can reach the encoder. */
export function assertKey(key: unknown): asserts key is Key {
  if (typeof key !== 'string' && !(key instanceof Uint8Array)) {
    throw new MemcacheIllegalInputError(`a key must be a string or a Uint8Array, got ${typeof key}`);
  }
}

/**
 * The key as it travels: prefix and key joined, so the 250-byte limit the encoder checks is
 * the one the server sees.
 */
export function prefixKey(prefix: string, key: Key): Key {
  assertKey(key);
  // An empty key is a caller's bug even when a prefix would make the wire key non-empty.
  if (key.length === 0) throw new MemcacheIllegalInputError('a key must not be empty');
  if (prefix === '') return key;
  if (typeof key === 'string') return prefix + key;
  const prefixBytes = encoder.encode(prefix);
  const joined = new Uint8Array(prefixBytes.byteLength + key.byteLength);
  joined.set(prefixBytes, 0);
  joined.set(key, prefixBytes.byteLength);
  return joined;
}

/**
 * A key as multi-key results name it: strings as given, bytes decoded as UTF-8. A byte that is
 * not part of valid UTF-8 becomes U+DC80 + its value (Python's surrogateescape), so two byte
 * keys never share a name, and none is the name of a string key (those cannot hold lone
 * surrogates).
 */
export function keyToString(key: Key): string {
  if (typeof key === 'string') return key;
  try {
    return strictDecoder.decode(key);
  } catch {
    return escapedUtf8(key);
  }
}

/** The length of the UTF-8 sequence a lead byte starts; 0 when it can start none. */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

function escapedUtf8(bytes: Uint8Array): string {
  let text = '';
  let index = 0;
  while (index < bytes.length) {
    const length = sequenceLength(bytes[index]!);
    if (length > 0 && index + length <= bytes.length) {
      try {
        text += strictDecoder.decode(bytes.subarray(index, index + length));
        index += length;
        continue;
      } catch {
        // not a valid sequence: escape its first byte and go on from the next
      }
    }
    text += String.fromCharCode(0xdc00 + bytes[index]!);
    index++;
  }
  return text;
}

/**
 * The wire form of a key as a latin1 string (one char per byte): an id that tells keys apart
 * (to send each once per batch) without encoding ASCII keys on the hot path.
 */
export function wireKeyId(key: Key): string {
  if (typeof key === 'string') {
    // ASCII keys (the common case) are their own latin1 form.
    for (let index = 0; index < key.length; index++) {
      if (key.charCodeAt(index) > 0x7f) return Buffer.from(key, 'utf8').toString('latin1');
    }
    return key;
  }
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1');
}
