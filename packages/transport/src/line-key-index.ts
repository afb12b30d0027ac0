import type { Key } from '@mc/protocol';

/** The table's buckets: a power of two, far more than a line's keys. */
const BUCKET_BITS = 12;
/** A line holds at most this many keys (slots fit the low bits of a bucket's entry). */
const SLOT_BITS = 7;
const SLOT_MASK = (1 << SLOT_BITS) - 1;
/** Generations wrap before `generation << SLOT_BITS` would leave 31 bits. */
const LAST_GENERATION = (1 << (31 - SLOT_BITS)) - 1;
/** A walk longer than this means the keys defeat the bucket's hash: a Map takes over. */
const LONGEST_WALK = 8;

/**
 * Where each key already stands in a merged get line, so a key asked twice is sent once.
 * A Map per line cost about 0.5–0.7 k instructions per get (callgrind), more than the rest of
 * the line's queueing: inserting, growing to 100 keys, and comparing colliding keys. One table
 * serves every connection of the process, line after line (a generation number empties it). A
 * key's bucket comes from a few of its units (length, first, middle and last two), read
 * without walking the key; keys of one bucket are chained and compared in full. Keys that
 * all look alike there (the same length and the same units at those places) would make long
 * chains, so after one long walk the rest of the line is indexed by a Map instead.
 *
 * A string and bytes are never taken for one key (bytes 0xE9 and the string "é" have one
 * latin1 spelling and differ on the wire): one key asked both ways is sent twice.
 */
export class LineKeyIndex {
  static readonly capacity = SLOT_MASK + 1;

  /** Per bucket: `generation << SLOT_BITS | slot` of the last key put there; another generation means empty. */
  readonly #heads = new Int32Array(1 << BUCKET_BITS);
  /** Per slot: the slot put in the same bucket before it, or -1. */
  readonly #next = new Int8Array(SLOT_MASK + 1);
  #generation = 0;
  #keys: readonly Key[] = NO_KEYS;
  /** The bucket of the last `find` that missed. */
  #bucket = 0;
  /** Set after a long walk: the rest of the line is indexed here. */
  #map: Map<Key | string, number> | undefined = undefined;
  #mapKey: Key | string = '';

  /** Starts a line whose keys are `keys` (the key of slot i at keys[i]), empty for now. */
  begin(keys: readonly Key[]): void {
    this.#keys = keys;
    this.#map = undefined;
    if (++this.#generation > LAST_GENERATION) {
      this.#heads.fill(0);
      this.#generation = 1;
    }
  }

  /** The slot of `key` in the line, or -1 when the line does not have it yet (`add` may follow). */
  find(key: Key): number {
    if (this.#map !== undefined) {
      const id = mapId(key);
      this.#mapKey = id;
      return this.#map.get(id) ?? -1;
    }
    const bucket = bucketOf(key);
    const head = this.#heads[bucket]!;
    this.#bucket = bucket;
    if (head >>> SLOT_BITS !== this.#generation) return -1;
    const keys = this.#keys;
    let walked = 0;
    for (let slot = head & SLOT_MASK; slot !== -1; slot = this.#next[slot]!) {
      if (sameKey(keys[slot]!, key)) return slot;
      walked++;
    }
    if (walked > LONGEST_WALK) this.#useMap(key);
    return -1;
  }

  /** Records the key the last `find` missed at `slot` (where the caller put it in the keys). */
  add(slot: number): void {
    if (this.#map !== undefined) {
      this.#map.set(this.#mapKey, slot);
      return;
    }
    const bucket = this.#bucket;
    const head = this.#heads[bucket]!;
    this.#next[slot] = head >>> SLOT_BITS === this.#generation ? head & SLOT_MASK : -1;
    this.#heads[bucket] = (this.#generation << SLOT_BITS) | slot;
  }

  /** Lets go of the line's keys once it is built, so they are not kept until the next line. */
  end(): void {
    this.#keys = NO_KEYS;
    this.#map = undefined;
    this.#mapKey = '';
  }

  /** Indexes the keys so far by a Map, for the rest of the line; `key` is the one just missed. */
  #useMap(key: Key): void {
    const map = new Map<Key | string, number>();
    const keys = this.#keys;
    // Every slot added so far is chained from some bucket of this generation; the keys array
    // holds them in slot order up to the first hole.
    for (let slot = 0; slot < keys.length && keys[slot] !== undefined; slot++) {
      if (!map.has(mapId(keys[slot]!))) map.set(mapId(keys[slot]!), slot);
    }
    this.#map = map;
    this.#mapKey = mapId(key);
  }
}

const NO_KEYS: readonly Key[] = [];

/** A Map key for `key`: a string as it is, bytes by their latin1 spelling behind a marker no string key has. */
function mapId(key: Key): string {
  if (typeof key === 'string') return key;
  return `\u0000${Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1')}`;
}

/** The bucket of a key, from its length and the units at its start, middle and end. */
function bucketOf(key: Key): number {
  const length = key.length;
  if (length === 0) return 0;
  let first: number;
  let middle: number;
  let last: number;
  let before: number;
  let seed: number;
  if (typeof key === 'string') {
    first = key.charCodeAt(0);
    middle = key.charCodeAt(length >> 1);
    last = key.charCodeAt(length - 1);
    before = length > 1 ? key.charCodeAt(length - 2) : 0;
    seed = 0;
  } else {
    first = key[0]!;
    middle = key[length >> 1]!;
    last = key[length - 1]!;
    before = length > 1 ? key[length - 2]! : 0;
    seed = 0x5bd1e995;
  }
  const mixed = Math.imul(
    seed ^
      length ^
      (last << 8) ^
      (before << 16) ^
      Math.imul(middle, 0x27d4eb2d) ^
      Math.imul(first, 0x165667b1),
    0x9e3779b1,
  );
  return mixed >>> (32 - BUCKET_BITS);
}

function sameKey(a: Key, b: Key): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return false;
  return true;
}
