import { Buffer } from 'node:buffer';
import { MemcacheDeserializeError, MemcacheIllegalInputError } from '@mc/protocol';
import { refuseUnstorable } from './refuse-unstorable.js';
import { decodeUtf8 } from './utf8.js';

/**
 * JSON bytes for a value, refusing at the top level what JSON would silently turn into
 * something else (`undefined`, NaN, a Map or a Set, typed arrays, bigints). Nested values follow
 * JSON.stringify's rules; use structuredSerde when those matter.
 */
export function encodeJson(value: unknown, serde: string): Uint8Array {
  refuseUnstorable(value, serde);
  refuseLossy(value);
  // JSON.stringify(-0) is "0", but JSON.parse("-0") is -0: keep the sign.
  if (Object.is(value, -0)) return Buffer.from('-0');
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new MemcacheIllegalInputError(`The value cannot be written as JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (text === undefined) throw new MemcacheIllegalInputError('The value has no JSON form');
  return Buffer.from(text, 'utf8');
}

/** Strict JSON decoding: malformed UTF-8 or JSON is a MemcacheDeserializeError. */
export function decodeJson(bytes: Uint8Array): unknown {
  const text = decodeUtf8(bytes, 'JSON value');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new MemcacheDeserializeError('The value is not valid JSON', { cause: error });
  }
}

function refuseLossy(value: unknown): void {
  if (typeof value === 'bigint')
    throw new MemcacheIllegalInputError('JSON cannot hold a bigint; use defaultSerde');
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new MemcacheIllegalInputError(`JSON cannot hold ${value}; use msgpackSerde or structuredSerde`);
  }
  if (
    value instanceof Map ||
    value instanceof Set ||
    ArrayBuffer.isView(value) ||
    value instanceof ArrayBuffer ||
    value instanceof SharedArrayBuffer
  ) {
    throw new MemcacheIllegalInputError(
      `JSON cannot hold a ${value.constructor.name}; use structuredSerde, msgpackSerde or pickleSerde`,
    );
  }
}
