import { encodeInteger, isInteger } from './integer-text.js';
import { FLAG_BYTES, FLAG_INTEGER, FLAG_PICKLE, FLAG_TEXT } from './flags.js';
import { type PickleProtocol, pickleDumps } from './pickle-dumps.js';
import { HIGHEST_PICKLE_PROTOCOL } from './pickle-opcodes.js';
import { readValue } from './read-value.js';
import { refuseUnstorable } from './refuse-unstorable.js';
import type { CacheValue, Serde, SerializedValue } from './serde.js';
import { encodeText } from './text-bytes.js';
import { readsTextAsUtf8, storesTextAsUtf8 } from './text-fast-paths.js';

export interface PickleSerdeOptions {
  /** The pickle protocol to write, 2 to 5; default 5, the highest, as pymemcache uses. */
  protocol?: PickleProtocol | undefined;
}

/**
 * pymemcache's own serde (`pymemcache.serde.pickle_serde`), value for value: bytes → 0, text →
 * 16, integers → 2, and everything else pickled under 1, so a Python service using pymemcache's
 * defaults reads and writes the same entries. Pick an older protocol for older Pythons.
 */
export function createPickleSerde(options: PickleSerdeOptions = {}): Serde<CacheValue> {
  const protocol = options.protocol ?? HIGHEST_PICKLE_PROTOCOL;
  pickleDumps(null, protocol); // validates the protocol now, not on the first write
  const serde: Serde<CacheValue> = storesTextAsUtf8({
    serialize(_key: string, value: CacheValue): SerializedValue {
      refuseUnstorable(value, 'pickleSerde');
      if (value instanceof Uint8Array) return { value, flags: FLAG_BYTES };
      if (typeof value === 'string') return { value: encodeText(value), flags: FLAG_TEXT };
      if (isInteger(value)) return { value: encodeInteger(value), flags: FLAG_INTEGER };
      return { value: pickleDumps(value, protocol), flags: FLAG_PICKLE };
    },
    deserialize(_key: string, value: Uint8Array, flags: number): CacheValue {
      return readValue(value, flags) as CacheValue;
    },
  });
  return readsTextAsUtf8(serde);
}

/** pymemcache's default serde, with pickle protocol 5. */
export const pickleSerde: Serde<CacheValue> = createPickleSerde();
