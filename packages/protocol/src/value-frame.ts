import { decodeUtf8 } from './decode-utf8.js';
import type { ReceivedBytes } from './received-bytes.js';
import type { Key } from './types.js';

/**
 * Node's native latin1 slice of a byte range, which a plain Uint8Array takes too: a string
 * straight from the received bytes, with no view built first. Feature-tested, since Buffer
 * does not document it.
 */
const latin1Slice = (Buffer.prototype as { latin1Slice?: (start: number, end: number) => string })
  .latin1Slice;

/**
 * A `VALUE` block as the parser cut it (a Frame of kind `value`). `key` and `data` are views
 * of the bytes received, built when first read: a multi-key read that pairs hits with its
 * keys by position (`hasKey` compares in place) and takes text values as strings (`text()`)
 * builds neither, which is most of what a small hit used to cost.
 */
export class ValueFrame {
  readonly kind = 'value' as const;
  readonly flags: number;
  readonly cas: bigint | undefined;
  readonly #keySource: ReceivedBytes;
  readonly #keyStart: number;
  readonly #keyLength: number;
  readonly #source: ReceivedBytes;
  readonly #dataStart: number;
  readonly #dataLength: number;
  #key: Uint8Array | undefined = undefined;
  #data: Uint8Array | undefined = undefined;

  constructor(
    keySource: ReceivedBytes,
    keyStart: number,
    keyLength: number,
    flags: number,
    cas: bigint | undefined,
    source: ReceivedBytes,
    dataStart: number,
    dataLength: number,
  ) {
    this.flags = flags;
    this.cas = cas;
    this.#keySource = keySource;
    this.#keyStart = keyStart;
    this.#keyLength = keyLength;
    this.#source = source;
    this.#dataStart = dataStart;
    this.#dataLength = dataLength;
  }

  /** The key as the server sent it: a view of the received bytes. */
  get key(): Uint8Array {
    this.#key ??= this.#keySource.view(this.#keyStart, this.#keyLength);
    return this.#key;
  }

  /** The value's bytes: a view of the received bytes (copy them to keep them past this turn). */
  get data(): Uint8Array {
    this.#data ??= this.#source.view(this.#dataStart, this.#dataLength);
    return this.#data;
  }

  /** True when the key is exactly `key` as sent (a string goes as UTF-8), compared in place. */
  hasKey(key: Key): boolean {
    const bytes = this.#keySource.bytes;
    const start = this.#keyStart;
    const length = this.#keyLength;
    if (typeof key !== 'string') {
      if (key.length !== length) return false;
      for (let index = 0; index < length; index++) if (key[index] !== bytes[start + index]) return false;
      return true;
    }
    if (key.length > length) return false; // UTF-8 never has fewer bytes than UTF-16 units
    for (let index = 0; index < key.length; index++) {
      const code = key.charCodeAt(index);
      if (code >= 0x80) return Buffer.from(key, 'utf8').equals(this.key);
      if (code !== bytes[start + index]) return false;
    }
    return key.length === length;
  }

  /**
   * The value as strict UTF-8 text: malformed bytes throw MemcacheDeserializeError, never
   * become U+FFFD. ASCII bytes (checked natively a window of the chunk at a time) become the string without a decoder.
   */
  text(): string {
    const source = this.#source;
    const end = this.#dataStart + this.#dataLength;
    if (latin1Slice !== undefined && source.isAscii(this.#dataStart, end)) {
      return latin1Slice.call(source.bytes, this.#dataStart, end);
    }
    return decodeUtf8(this.data);
  }
}
