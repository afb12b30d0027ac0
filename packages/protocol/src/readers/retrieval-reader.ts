import { MemcacheProtocolError, type MemcacheError } from '../errors.js';
import type { Frame, Key, ReplyReader } from '../types.js';
import { incompleteReply, unexpectedFrame } from './unexpected-frame.js';

/** One hit of a get/gets/gat/gats reply. Byte fields may be views into the parser's input. */
export interface RetrievedValue {
  key: Uint8Array;
  flags: number;
  /** Present for gets and gats. */
  cas: bigint | undefined;
  value: Uint8Array;
  /**
   * Where the hit's key stands in the keys the request asked for, so a caller can pair hits
   * with its own keys without comparing bytes again (-1 when the reader was given no keys).
   */
  index: number;
}

/**
 * Reads `VALUE` blocks up to `END`. An error line ends the reply without `END`, and the
 * server has then dropped the earlier hits, so they are dropped here too.
 *
 * Every `VALUE` must name a key this request asked for: memcached answers only those, in
 * the order asked, so a stranger means the stream is out of step with the requests (a
 * reply lost or doubled somewhere), and the value belongs to some other caller. `push`
 * then throws MemcacheProtocolError, which makes the transport drop the connection rather
 * than hand anyone a value that is not theirs.
 */
export class RetrievalReader implements ReplyReader<RetrievedValue[]> {
  readonly #command: string;
  readonly #keys: readonly Key[];
  /** Where the next hit is expected in `#keys` (hits come in request order). */
  #cursor = 0;
  #values: RetrievedValue[] = [];
  #error: MemcacheError | undefined = undefined;
  #complete = false;

  constructor(command: string, keys: readonly Key[] = []) {
    this.#command = command;
    this.#keys = keys;
  }

  push(frame: Frame): boolean {
    if (frame.kind === 'value') {
      const index = this.#keys.length > 0 ? this.#checkKey(frame.key) : -1;
      this.#values.push({ key: frame.key, flags: frame.flags, cas: frame.cas, value: frame.data, index });
      return false;
    }
    this.#complete = true;
    if (frame.kind === 'end') return true;
    this.#values = [];
    this.#error = frame.kind === 'error' ? frame.error : unexpectedFrame(frame, this.#command);
    return true;
  }

  result(): RetrievedValue[] {
    if (this.#error !== undefined) throw this.#error;
    if (!this.#complete) throw incompleteReply(this.#command);
    return this.#values;
  }

  /** Finds the hit's key from the cursor on (then from the start, for a reordering proxy). */
  #checkKey(key: Uint8Array): number {
    const keys = this.#keys;
    for (let step = 0; step < keys.length; step++) {
      const index = (this.#cursor + step) % keys.length;
      if (sameKey(keys[index]!, key)) {
        this.#cursor = index + 1;
        return index;
      }
    }
    const shown = Buffer.from(key.subarray(0, 250)).toString('latin1');
    throw new MemcacheProtocolError(
      `memcached answered ${this.#command} with the value of ${JSON.stringify(shown)}, a key it was not asked for; the stream is out of step`,
      { response: `VALUE ${shown}` },
    );
  }
}

/** True when `key` as sent (a string goes as UTF-8) is exactly `bytes`. */
function sameKey(key: Key, bytes: Uint8Array): boolean {
  if (typeof key !== 'string') {
    if (key.length !== bytes.length) return false;
    for (let index = 0; index < bytes.length; index++) if (key[index] !== bytes[index]) return false;
    return true;
  }
  if (key.length > bytes.length) return false; // UTF-8 never has fewer bytes than UTF-16 units
  for (let index = 0; index < key.length; index++) {
    const code = key.charCodeAt(index);
    if (code >= 0x80) return Buffer.from(key, 'utf8').equals(bytes);
    if (code !== bytes[index]) return false;
  }
  return key.length === bytes.length;
}
