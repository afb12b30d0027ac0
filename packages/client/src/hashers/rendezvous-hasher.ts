import { MemcacheIllegalInputError } from '@mc/protocol';
import type { Hasher } from './hasher.js';
import { murmur3_32 } from './murmur3.js';

/**
 * Writes `text` one byte per character: the low byte of each code point. That is how
 * pymemcache's pure-Python murmur3 reads a `str` (`ord(c) & 0xFF`), so non-ASCII keys land
 * where pymemcache puts them. Returns the offset after the last byte written.
 */
function writeCharacters(text: string, target: Uint8Array, offset: number): number {
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    const next = text.charCodeAt(index + 1);
    // A surrogate pair is one code point; its low byte is the low surrogate's low byte.
    if (unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) continue;
    target[offset++] = unit & 0xff;
  }
  return offset;
}

function characters(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  return bytes.subarray(0, writeCharacters(text, bytes, 0));
}

/**
 * Rendezvous (highest random weight) hashing, placing keys exactly as pymemcache's
 * HashClient does for the same node names: every node scores `murmur3_32("<node>-<key>")`
 * (seed 0), the highest score wins, and a tie goes to the name that sorts later. Removing a
 * node moves only the keys it owned; adding one takes about 1/n of the keys.
 *
 * String keys are read as pymemcache reads a Python `str`; byte keys count one character per
 * byte. There are no weights: pymemcache has none.
 *
 *   scratch: [ ........ "node-a-" | "key" ]   the key is written once, each node's
 *                       ▲ start    ▲ keyStart   "<name>-" just before it, then hashed
 */
export class RendezvousHasher implements Hasher {
  readonly #seed: number;
  #names: string[] = [];
  #prefixes: Uint8Array[] = [];
  #longestPrefix = 0;
  #scratch = new Uint8Array(512);

  constructor(nodes: Iterable<string> = [], options: { seed?: number } = {}) {
    this.#seed = options.seed ?? 0;
    for (const name of nodes) this.addNode(name);
  }

  getNode(key: string | Uint8Array): string | undefined {
    const names = this.#names;
    if (names.length <= 1) return names[0];
    const keyStart = this.#longestPrefix;
    if (this.#scratch.length < keyStart + key.length) {
      this.#scratch = new Uint8Array(2 * (keyStart + key.length));
    }
    const scratch = this.#scratch;
    let end: number;
    if (typeof key === 'string') {
      end = writeCharacters(key, scratch, keyStart);
    } else {
      scratch.set(key, keyStart);
      end = keyStart + key.length;
    }
    let winner: string | undefined;
    let highScore = -1;
    for (let index = 0; index < names.length; index++) {
      const prefix = this.#prefixes[index]!;
      const start = keyStart - prefix.length;
      scratch.set(prefix, start);
      const score = murmur3_32(scratch, this.#seed, start, end);
      const name = names[index]!;
      if (score > highScore || (score === highScore && winner !== undefined && name > winner)) {
        highScore = score;
        winner = name;
      }
    }
    return winner;
  }

  /** Adds a node. Rendezvous hashing here has no weights, so a weight other than 1 is refused. */
  addNode(name: string, weight?: number): void {
    if (weight !== undefined && weight !== 1) {
      throw new MemcacheIllegalInputError(
        `rendezvous hashing has no weights (pymemcache's has none); use 'ketama' to weight ${name}`,
      );
    }
    if (this.#names.includes(name)) return;
    const prefix = characters(`${name}-`);
    this.#names.push(name);
    this.#prefixes.push(prefix);
    this.#longestPrefix = Math.max(this.#longestPrefix, prefix.length);
  }

  removeNode(name: string): void {
    const index = this.#names.indexOf(name);
    if (index === -1) return;
    this.#names.splice(index, 1);
    this.#prefixes.splice(index, 1);
    this.#longestPrefix = this.#prefixes.reduce((longest, prefix) => Math.max(longest, prefix.length), 0);
  }

  nodes(): string[] {
    return [...this.#names];
  }
}
