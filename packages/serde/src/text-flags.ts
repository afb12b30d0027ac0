import { defaultSerde } from './default-serde.js';
import { FLAG_TEXT } from './flags.js';
import type { Serde } from './serde.js';

/** The serdes whose `serialize` stores every string as exactly its UTF-8, under FLAG_TEXT. */
const textSerdes = new WeakSet<object>([defaultSerde]);

/** Marks a serde whose `serialize(key, text)` is always `{ value: UTF-8 of text, flags: FLAG_TEXT }`. */
export function storesTextAsUtf8<S extends object>(serde: S): S {
  textSerdes.add(serde);
  return serde;
}

/**
 * The flags `serde` stores a string under when it stores every string as that string's own
 * UTF-8 (defaultSerde and the pickle serdes do), else undefined. A writer that encodes text
 * itself, as the transport's write batch does with the header around it, can then send the
 * string in place of `serialize`'s bytes and encode it once: the bytes and flags stored are
 * the same. Such a writer must refuse a string with a lone surrogate, as `serialize` does
 * (the protocol's storage commands do).
 */
export function textFlags<V>(serde: Serde<V>): number | undefined {
  return textSerdes.has(serde) ? FLAG_TEXT : undefined;
}
