import { createRequire } from 'node:module';
import type { Packr } from 'msgpackr';
import { FLAG_MSGPACK } from './flags.js';
import { formatSerde } from './format-serde.js';
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
 * Every value as MessagePack under FLAG_MSGPACK (64): compact and fast, and bigints, Dates,
 * Sets and typed arrays survive. Maps come back as plain objects (msgpack has one map type).
 * Reads the shared formats too (bytes, text, integers, pickle, JSON).
 */
export const msgpackSerde: Serde<CacheValue> = formatSerde({
  name: 'msgpackSerde',
  format: 'MessagePack',
  flag: FLAG_MSGPACK,
  encode: (value) => loadPackr().pack(value),
  decode: (value) => loadPackr().unpack(value),
});
