import { MemcacheProtocolError } from '../errors.js';
import type { Frame, Key } from '../types.js';
import { ValueFrame } from '../value-frame.js';

/**
 * Pairs the `VALUE` frames of a retrieval reply with the keys the request asked for. memcached
 * answers only those, in the order asked, so a stranger means the stream is out of step with
 * the requests (a reply lost or doubled somewhere) and the value belongs to some other caller:
 * `indexOf` then throws MemcacheProtocolError, which makes the transport drop the connection
 * rather than hand anyone a value that is not theirs. Each key asked for is answered at most
 * once (a key asked twice, twice), so a second `VALUE` for the same key is refused the same
 * way: one reply holds at most as many blocks as keys were asked for.
 */
export class KeyMatcher {
  readonly #command: string;
  readonly #keys: readonly Key[];
  /** Where the next hit is expected in `#keys` (hits come in request order). */
  #cursor = 0;
  /**
   * Which of `#keys` have had their hit. Allocated only when a hit is not the key at the
   * cursor (a miss before it, or a repeat): until then the keys answered are exactly those
   * before the cursor, so a one-key read, or one that hits every key, allocates nothing.
   */
  #answered: Uint8Array | undefined = undefined;

  constructor(command: string, keys: readonly Key[]) {
    this.#command = command;
    this.#keys = keys;
  }

  /**
   * Where the frame's key stands among the keys asked for: the key at the cursor first (the
   * server's order), then from the cursor on and around, among the keys not answered yet.
   */
  indexOf(frame: Extract<Frame, { kind: 'value' }>): number {
    const keys = this.#keys;
    const cursor = this.#cursor;
    let answered = this.#answered;
    if (
      cursor < keys.length &&
      (answered === undefined || answered[cursor] === 0) &&
      sameKey(keys[cursor]!, frame)
    ) {
      if (answered !== undefined) answered[cursor] = 1;
      this.#cursor = cursor + 1;
      return cursor;
    }
    if (answered === undefined) {
      answered = new Uint8Array(keys.length).fill(1, 0, cursor);
      this.#answered = answered;
    }
    let repeated = false;
    for (let step = 0; step < keys.length; step++) {
      const index = (cursor + step) % keys.length;
      if (sameKey(keys[index]!, frame)) {
        if (answered[index] === 1) {
          repeated = true;
          continue;
        }
        answered[index] = 1;
        this.#cursor = index + 1;
        return index;
      }
    }
    const shown = Buffer.from(frame.key.subarray(0, 250)).toString('latin1');
    const what = repeated ? 'a second value of' : 'the value of';
    const why = repeated ? 'a key it had answered already' : 'a key it was not asked for';
    throw new MemcacheProtocolError(
      `memcached answered ${this.#command} with ${what} ${JSON.stringify(shown)}, ${why}; the stream is out of step`,
      { response: `VALUE ${shown}` },
    );
  }
}

/** True when `key` as sent is exactly the frame's key: in place for the parser's frames. */
function sameKey(key: Key, frame: Extract<Frame, { kind: 'value' }>): boolean {
  return frame instanceof ValueFrame ? frame.hasKey(key) : sameBytes(key, frame.key);
}

/** True when `key` as sent (a string goes as UTF-8) is exactly `bytes`. */
function sameBytes(key: Key, bytes: Uint8Array): boolean {
  if (typeof key !== 'string') {
    if (key.length !== bytes.length) return false;
    for (let index = 0; index < bytes.length; index++) if (key[index] !== bytes[index]) return false;
    return true;
  }
  return Buffer.from(key, 'utf8').equals(bytes);
}
