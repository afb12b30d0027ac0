import { MemcacheIllegalInputError } from '@mc/protocol';
import { keyToString } from '../keys.js';
import type { Hasher } from './hasher.js';
import { splitNodeName } from './node-name.js';
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
 * String keys are read as pymemcache reads a Python `str`, and a byte key as its UTF-8 text,
 * so a key lands on one node whichever way it is given. A node is named as pymemcache names
 * it: `host:port`, an IPv6 host without brackets (`::1:11211`), or the socket path. There
 * are no weights: pymemcache has none.
 *
 *   scratch: [ ........ "node-a-" | "key" ]   the key is written once, each node's
 *                       ▲ start    ▲ keyStart   "<name>-" just before it, then hashed
 */
export class RendezvousHasher implements Hasher {
  readonly #seed: number;
  #names: string[] = [];
  #prefixes: Uint8Array[] = [];
  /** Each node's name as pymemcache writes it (what is hashed, and what breaks a tie). */
  #hashed: string[] = [];
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
    // A byte key is the key its UTF-8 text is (it is the same key on the wire), so it is
    // read as that text; bytes that are not UTF-8 as Python's surrogateescape reads them.
    end = writeCharacters(typeof key === 'string' ? key : keyToString(key), scratch, keyStart);
    let winner: number | undefined;
    let highScore = -1;
    for (let index = 0; index < names.length; index++) {
      const prefix = this.#prefixes[index]!;
      const start = keyStart - prefix.length;
      scratch.set(prefix, start);
      const score = murmur3_32(scratch, this.#seed, start, end);
      if (
        score > highScore ||
        (score === highScore && winner !== undefined && this.#hashed[index]! > this.#hashed[winner]!)
      ) {
        highScore = score;
        winner = index;
      }
    }
    return winner === undefined ? undefined : names[winner];
  }

  /** Adds a node. Rendezvous hashing here has no weights, so a weight other than 1 is refused. */
  addNode(name: string, weight?: number): void {
    if (weight !== undefined && weight !== 1) {
      throw new MemcacheIllegalInputError(
        `rendezvous hashing has no weights (pymemcache's has none); use 'ketama' to weight ${name}`,
      );
    }
    if (this.#names.includes(name)) return;
    const parts = splitNodeName(name);
    const hashed = 'path' in parts ? parts.path : `${parts.host}:${parts.port}`;
    const prefix = characters(`${hashed}-`);
    this.#names.push(name);
    this.#hashed.push(hashed);
    this.#prefixes.push(prefix);
    this.#longestPrefix = Math.max(this.#longestPrefix, prefix.length);
  }

  removeNode(name: string): void {
    const index = this.#names.indexOf(name);
    if (index === -1) return;
    this.#names.splice(index, 1);
    this.#hashed.splice(index, 1);
    this.#prefixes.splice(index, 1);
    this.#longestPrefix = this.#prefixes.reduce((longest, prefix) => Math.max(longest, prefix.length), 0);
  }

  nodes(): string[] {
    return [...this.#names];
  }
}
