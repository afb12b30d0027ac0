import { createRequire } from 'node:module';
import { MemcacheDeserializeError, MemcacheIllegalInputError } from '@mc/protocol';
import type { Packr } from 'msgpackr';
import { tooManyContainers, tooManyItems, unreadableBudget } from './decode-budget.js';
import { FLAG_MSGPACK } from './flags.js';
import { formatSerde } from './format-serde.js';
import { msgpackBreaksBudget } from './msgpack-budget.js';
import type { CacheValue, Serde } from './serde.js';

let packr: Packr | undefined;

/**
 * msgpackr, loaded on first use rather than at import: it is most of @mc/serde's load time
 * and only this serde needs it. It ships CommonJS, so `require` loads it synchronously and
 * serialize/deserialize stay synchronous.
 *
 * Plain MessagePack maps (no msgpackr records) keep the bytes readable by other msgpack
 * libraries; the extensions carry what msgpack lacks: bigints of any size, Set, Date, RegExp,
 * Error and typed arrays.
 */
function loadPackr(): Packr {
  if (packr === undefined) {
    // Compiled for CommonJS, TypeScript reports TS1343 here and the build then rewrites the
    // meta-property to this file's URL (scripts/mark-commonjs.mjs); an ES build has no error.
    // biome-ignore lint/suspicious/noTsIgnore: an expect-error would fail the ES build
    // @ts-ignore TS1343 in the CommonJS build only
    const msgpackr = createRequire(import.meta.url)('msgpackr') as typeof import('msgpackr');
    packr = new msgpackr.Packr({ useRecords: false, moreTypes: true, useBigIntExtension: true });
  }
  return packr;
}

/**
 * MessagePack bytes, refused (MemcacheIllegalInputError) when decoding them would break
 * MAX_DECODED_CONTAINERS or MAX_DECODED_ITEMS, so this serde never stores what it would not read.
 */
function encodeMsgpack(value: unknown): Uint8Array {
  const bytes = loadPackr().pack(value);
  const refused = msgpackBreaksBudget(bytes);
  if (refused === 'containers' || refused === 'items') {
    throw new MemcacheIllegalInputError(unreadableBudget(refused, 'MessagePack'));
  }
  return bytes;
}

/**
 * msgpackr's decoding, once a walk of the bytes (msgpack-budget.ts) has shown that it builds
 * at most MAX_DECODED_CONTAINERS containers and MAX_DECODED_ITEMS values.
 */
function decodeMsgpack(bytes: Uint8Array): unknown {
  const refused = msgpackBreaksBudget(bytes);
  if (refused === 'containers') throw tooManyContainers('MessagePack value');
  if (refused === 'items') throw tooManyItems('MessagePack value');
  if (refused === 'records') {
    throw new MemcacheDeserializeError(
      "The MessagePack value uses msgpackr's two-byte record ids, which msgpackSerde cannot count in a value of more than 1,000,000 bytes; refused",
    );
  }
  return loadPackr().unpack(bytes);
}

/**
 * Every value as MessagePack under FLAG_MSGPACK (64): compact and fast, and bigints, Dates,
 * Sets and typed arrays survive. Maps come back as plain objects (msgpack has one map type).
 * Reads the shared formats too (bytes, text, integers, pickle, JSON). A value that would build
 * more than MAX_DECODED_CONTAINERS containers or MAX_DECODED_ITEMS values is refused, on
 * reading (MemcacheDeserializeError) and writing (MemcacheIllegalInputError).
 */
export const msgpackSerde: Serde<CacheValue> = formatSerde({
  name: 'msgpackSerde',
  format: 'MessagePack',
  flag: FLAG_MSGPACK,
  encode: encodeMsgpack,
  decode: decodeMsgpack,
});
