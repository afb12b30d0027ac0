import { Packr } from 'msgpackr';
import { FLAG_MSGPACK } from './flags.js';
import { formatSerde } from './format-serde.js';
import type { CacheValue, Serde } from './serde.js';

/**
 * Plain MessagePack maps (no msgpackr records) keep the bytes readable by other msgpack
 * libraries; the extensions carry what msgpack lacks: bigints of any size, Set, Date, RegExp,
 * Error and typed arrays.
 */
const packr = new Packr({ useRecords: false, moreTypes: true, useBigIntExtension: true });

/**
 * Every value as MessagePack under FLAG_MSGPACK (64): compact and fast, and bigints, Dates,
 * Sets and typed arrays survive. Maps come back as plain objects (msgpack has one map type).
 * Reads the shared formats too (bytes, text, integers, pickle, JSON).
 */
export const msgpackSerde: Serde<CacheValue> = formatSerde({
  name: 'msgpackSerde',
  format: 'MessagePack',
  flag: FLAG_MSGPACK,
  encode: (value) => packr.pack(value),
  decode: (value) => packr.unpack(value),
});
