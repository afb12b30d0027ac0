import { commands, type EncodedRequest, type Key, type RetrievedValue, validateKey } from '@mc/protocol';
import { wireKeyId } from './keys.js';

// memcached answers one `get k1 k2 ... kn` far faster than n separate gets (one command to
// parse, one reply to frame), so concurrent single-key reads ride together. The line stays
// well inside what memcached accepts for `get`.
const MAX_KEYS = 100;
const MAX_LINE_BYTES = 8_192;

interface Waiter {
  /** Where this caller's key stands in the batch's key list. */
  index: number;
  resolve: (hit: RetrievedValue | undefined) => void;
  reject: (error: unknown) => void;
}

/**
 * Gathers the single-key `get`s (or `gets`) made in the same turn of the event loop into one
 * multi-key request, then hands each caller its own hit:
 *
 *   get(a) ─┐
 *   get(b) ─┼─► [a b c] ──(microtask)──► "get a b c\r\n" ──► VALUE a … VALUE c … END
 *   get(c) ─┘                                                    │
 *           ◄── a's hit, b's miss, c's hit ◄─── split by key ◄───┘
 *
 * Order with other commands is kept: the owner flushes the batch before sending anything
 * else, so `get(k); set(k, v)` still reads the old value.
 */
export class GetBatcher {
  readonly #command: 'get' | 'gets';
  readonly #send: (request: EncodedRequest<RetrievedValue[]>, keyCount: number) => Promise<RetrievedValue[]>;
  #keys: Key[] = [];
  #waiters: Waiter[] = [];
  /** Key id → position in #keys, so a key asked twice in one batch is sent once. */
  #positions = new Map<string, number>();
  #lineBytes = 0;
  #scheduled = false;

  constructor(
    command: 'get' | 'gets',
    send: (request: EncodedRequest<RetrievedValue[]>, keyCount: number) => Promise<RetrievedValue[]>,
  ) {
    this.#command = command;
    this.#send = send;
  }

  /** True while keys wait to be sent. */
  get pending(): boolean {
    return this.#waiters.length > 0;
  }

  /** Queues one key (already prefixed); resolves its hit, or undefined on a miss. */
  add(wireKey: Key): Promise<RetrievedValue | undefined> {
    // Validate now, so a bad key rejects alone instead of failing the whole batch.
    validateKey(wireKey);
    const id = wireKeyId(wireKey);
    return new Promise((resolve, reject) => {
      let index = this.#positions.get(id);
      if (index === undefined) {
        const bytes = (typeof wireKey === 'string' ? wireKey.length : wireKey.byteLength) + 1;
        if (this.#keys.length >= MAX_KEYS || this.#lineBytes + bytes > MAX_LINE_BYTES) this.flush();
        index = this.#keys.length;
        this.#positions.set(id, index);
        this.#keys.push(wireKey);
        this.#lineBytes += bytes;
      }
      this.#waiters.push({ index, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        queueMicrotask(this.#onMicrotask);
      }
    });
  }

  readonly #onMicrotask = (): void => {
    this.#scheduled = false;
    this.flush();
  };

  /** Sends what has gathered, now. */
  flush(): void {
    const waiters = this.#waiters;
    if (waiters.length === 0) return;
    const keys = this.#keys;
    this.#keys = [];
    this.#waiters = [];
    this.#positions = new Map();
    this.#lineBytes = 0;
    let request: EncodedRequest<RetrievedValue[]>;
    try {
      request = commands[this.#command].request(keys);
    } catch (error) {
      for (const waiter of waiters) waiter.reject(error);
      return;
    }
    this.#send(request, keys.length).then(
      (hits) => {
        if (waiters.length === 1) {
          waiters[0]!.resolve(hits[0]);
          return;
        }
        const byIndex: Array<RetrievedValue | undefined> = new Array(keys.length);
        for (const hit of hits) byIndex[hit.index] = hit;
        for (const waiter of waiters) waiter.resolve(byIndex[waiter.index]);
      },
      (error: unknown) => {
        for (const waiter of waiters) waiter.reject(error);
      },
    );
  }
}
