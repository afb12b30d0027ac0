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
   * with its own keys without comparing bytes again.
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
 * than hand anyone a value that is not theirs. Each key asked for is answered at most once
 * (a key asked twice, twice), so a second `VALUE` for the same key is refused the same way:
 * one reply holds at most as many blocks as keys were asked for, each at most the parser's
 * `maxValueBytes`, however long the server goes on.
 */
export class RetrievalReader implements ReplyReader<RetrievedValue[]> {
  readonly #command: string;
  readonly #keys: readonly Key[];
  /** Where the next hit is expected in `#keys` (hits come in request order). */
  #cursor = 0;
  /** Which of `#keys` have had their hit (allocated on the first hit). */
  #answered: Uint8Array | undefined = undefined;
  #values: RetrievedValue[] = [];
  #error: MemcacheError | undefined = undefined;
  #complete = false;
  #lastHit: RetrievedValue | undefined = undefined;

  constructor(command: string, keys: readonly Key[]) {
    this.#command = command;
    this.#keys = keys;
  }

  /**
   * The hit the last `push` added (undefined if it added none), already checked against the
   * keys asked for: a caller that merged many one-key reads into this request can hand each
   * its hit as it arrives, instead of holding every value until `END`.
   */
  get lastHit(): RetrievedValue | undefined {
    return this.#lastHit;
  }

  push(frame: Frame): boolean {
    if (frame.kind === 'value') {
      const index = this.#checkKey(frame.key);
      const hit = { key: frame.key, flags: frame.flags, cas: frame.cas, value: frame.data, index };
      this.#values.push(hit);
      this.#lastHit = hit;
      return false;
    }
    this.#lastHit = undefined;
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

  /**
   * Finds the hit's key from the cursor on (then from the start, for a reordering proxy),
   * among the keys not answered yet.
   */
  #checkKey(key: Uint8Array): number {
    const keys = this.#keys;
    this.#answered ??= new Uint8Array(keys.length);
    const answered = this.#answered;
    // memcached answers in the order asked: the hit is almost always the key at the cursor.
    const cursor = this.#cursor;
    if (cursor < keys.length && answered[cursor] === 0 && sameKey(keys[cursor]!, key)) {
      answered[cursor] = 1;
      this.#cursor = cursor + 1;
      return cursor;
    }
    let repeated = false;
    for (let step = 0; step < keys.length; step++) {
      const index = (this.#cursor + step) % keys.length;
      if (sameKey(keys[index]!, key)) {
        if (answered[index] === 1) {
          repeated = true;
          continue;
        }
        answered[index] = 1;
        this.#cursor = index + 1;
        return index;
      }
    }
    const shown = Buffer.from(key.subarray(0, 250)).toString('latin1');
    const what = repeated ? 'a second value of' : 'the value of';
    const why = repeated ? 'a key it had answered already' : 'a key it was not asked for';
    throw new MemcacheProtocolError(
      `memcached answered ${this.#command} with ${what} ${JSON.stringify(shown)}, ${why}; the stream is out of step`,
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
