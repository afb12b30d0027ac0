import { FLAG_TEXT } from './flags.js';
import type { Serde } from './serde.js';

// Which built-in serdes let the client skip them for text, one registry per direction:
//
//   write  storesTextAsUtf8  serialize(key, text) is always { UTF-8 of text, FLAG_TEXT }
//          → textFlags(serde): the write batch may encode the string itself, with its header
//   read   readsTextAsUtf8   deserialize of a value flagged FLAG_TEXT alone is strict UTF-8
//          → readsTextFromFrame(serde): deserializeFrame may take the text from the parser's frame
//
// A serde of the application's own is in neither, so it always runs.
const textWriters = new WeakSet<object>();
const textReaders = new WeakSet<object>();

/** Marks a serde whose `serialize(key, text)` is always `{ value: UTF-8 of text, flags: FLAG_TEXT }`. */
export function storesTextAsUtf8<S extends object>(serde: S): S {
  textWriters.add(serde);
  return serde;
}

/** Marks a serde whose `deserialize` reads a value flagged FLAG_TEXT alone as strict UTF-8 and nothing else. */
export function readsTextAsUtf8<S extends object>(serde: S): S {
  textReaders.add(serde);
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
  return textWriters.has(serde) ? FLAG_TEXT : undefined;
}

/** Whether a FLAG_TEXT value read by `serde` may be taken as text straight from the received bytes. */
export function readsTextFromFrame(serde: object): boolean {
  return textReaders.has(serde);
}
