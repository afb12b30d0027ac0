import type { CommandDefinition } from '../command-definition.js';
import { MemcacheIllegalInputError } from '../errors.js';
import { RetrievalReader, type RetrievedValue } from '../readers/retrieval-reader.js';
import { type RetrievedFrames, RetrievedFramesReader } from '../readers/retrieved-frames-reader.js';
import type { Chunk, EncodedRequest, Key } from '../types.js';
import { validateExptime } from '../validate-exptime.js';
import { keyByteLength, MAX_KEY_BYTES, ownKey } from '../validate-key.js';
import { defineCommand } from './define-command.js';
import { CRLF } from './keyed-line.js';

/**
 * memcached closes a connection that has sent this many bytes without a newline, unless the
 * line starts with `get ` or `gets `; a long `gat` line split by TCP would be cut off.
 */
export const MAX_UNSPLIT_LINE_BYTES = 2048;

/**
 *   "<verb> <key> <key> ...\r\n"
 *
 * String keys join the text; byte keys go out as their own chunks in between, as copies taken
 * before they are checked.
 */
function encodeRetrieval(verb: string, keys: readonly Key[], limitLine: boolean): Chunk[] {
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new MemcacheIllegalInputError(`${verb} needs at least one key`);
  }
  const chunks: Chunk[] = [];
  let text = verb;
  let lineBytes = verb.length + 2;
  for (const given of keys) {
    const key = ownKey(given);
    const length = keyByteLength(key);
    if (length === 0) throw new MemcacheIllegalInputError('key is empty');
    if (length > MAX_KEY_BYTES) {
      throw new MemcacheIllegalInputError(
        `key is ${length} bytes; memcached allows at most ${MAX_KEY_BYTES}`,
      );
    }
    lineBytes += length + 1;
    if (typeof key === 'string') {
      text += ' ' + key;
    } else {
      chunks.push(text + ' ', key);
      text = '';
    }
  }
  if (limitLine && lineBytes > MAX_UNSPLIT_LINE_BYTES) {
    throw new MemcacheIllegalInputError(
      `a ${verb} line of ${lineBytes} bytes may be cut off by memcached (limit ${MAX_UNSPLIT_LINE_BYTES}); split the keys`,
    );
  }
  chunks.push(text + CRLF);
  return chunks;
}

/**
 * The keys a request encodes and its reader matches hits against: byte keys copied once, so
 * a caller changing its buffers can neither alter the line nor make the reader refuse hits.
 */
function ownKeys(keys: readonly Key[]): readonly Key[] {
  if (!Array.isArray(keys)) return keys;
  // A plain loop: string keys (the common case) are checked without a callback per key.
  for (let index = 0; index < keys.length; index++) {
    if (typeof keys[index] !== 'string') return keys.map(ownKey);
  }
  return keys;
}

/** `get`: values of many keys; misses are absent. */
export const get = defineCommand(
  'get',
  (keys: readonly Key[]) => encodeRetrieval('get', keys, false),
  (keys) => new RetrievalReader('get', keys),
  { prepare: (keys) => [ownKeys(keys)] },
) satisfies CommandDefinition<[keys: readonly Key[]], RetrievedValue[]>;

/** `gets`: like get, with each value's cas unique. */
export const gets = defineCommand(
  'gets',
  (keys: readonly Key[]) => encodeRetrieval('gets', keys, false),
  (keys) => new RetrievalReader('gets', keys),
  { prepare: (keys) => [ownKeys(keys)] },
) satisfies CommandDefinition<[keys: readonly Key[]], RetrievedValue[]>;

/** `gat`: get and touch (set a new exptime on every hit). */
export const gat = defineCommand(
  'gat',
  (exptime: number, keys: readonly Key[]) => {
    validateExptime(exptime);
    return encodeRetrieval('gat ' + exptime, keys, true);
  },
  (_exptime, keys) => new RetrievalReader('gat', keys),
  { prepare: (exptime, keys) => [exptime, ownKeys(keys)] },
) satisfies CommandDefinition<[exptime: number, keys: readonly Key[]], RetrievedValue[]>;

/** `gats`: gat with cas uniques. */
export const gats = defineCommand(
  'gats',
  (exptime: number, keys: readonly Key[]) => {
    validateExptime(exptime);
    return encodeRetrieval('gats ' + exptime, keys, true);
  },
  (_exptime, keys) => new RetrievalReader('gats', keys),
  { prepare: (exptime, keys) => [exptime, ownKeys(keys)] },
) satisfies CommandDefinition<[exptime: number, keys: readonly Key[]], RetrievedValue[]>;

/**
 * A `get` or `gets` of many keys that resolves with the reply's frames and the key index each
 * answers (RetrievedFrames) instead of hit objects: for a multi-key read that pairs hits with
 * its own keys by position and decodes each value once.
 */
export function retrieveFrames(
  command: 'get' | 'gets',
  keys: readonly Key[],
): EncodedRequest<RetrievedFrames> {
  const owned = ownKeys(keys);
  return {
    chunks: encodeRetrieval(command, owned, false),
    reader: new RetrievedFramesReader(command, owned),
    command,
  };
}
