import { Buffer } from 'node:buffer';
import { MemcacheDeserializeError, MemcacheIllegalInputError } from '@mc/protocol';
import {
  MAX_DECODED_CONTAINERS,
  MAX_DECODED_ITEMS,
  tooManyContainers,
  tooManyItems,
  unreadableBudget,
} from './decode-budget.js';
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
  const bytes = Buffer.from(text, 'utf8');
  // Scanned as the reader scans them (toJSON output included), so it never stores what it refuses.
  const refused = scanJson(bytes);
  if (refused === 'depth') {
    throw new MemcacheIllegalInputError(
      `The value nests deeper than ${MAX_JSON_DEPTH} levels (MAX_JSON_DEPTH), so it could not be read back`,
    );
  }
  if (refused !== undefined) throw new MemcacheIllegalInputError(unreadableBudget(refused, 'JSON'));
  return bytes;
}

/**
 * How deeply JSON arrays and objects may nest, as for pickles: `JSON.parse` itself copes with
 * any depth, but what it builds from a value nested a million deep cannot be walked by
 * `JSON.stringify`, structuredClone or plain recursion without overflowing the stack.
 */
export const MAX_JSON_DEPTH = 1000;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const COMMA = 0x2c;
const COLON = 0x3a;

/**
 * Strict JSON decoding: malformed UTF-8 or JSON, nesting deeper than MAX_JSON_DEPTH, or more
 * than MAX_DECODED_CONTAINERS arrays and objects or MAX_DECODED_ITEMS values is a
 * MemcacheDeserializeError. `JSON.parse` cannot be stopped halfway, so the bytes are scanned
 * before parsing, and only when the text is long enough to break a limit, so ordinary values
 * pay nothing.
 */
export function decodeJson(bytes: Uint8Array): unknown {
  const refused = scanJson(bytes);
  if (refused === 'depth') {
    throw new MemcacheDeserializeError(
      `The JSON value nests deeper than ${MAX_JSON_DEPTH} levels (MAX_JSON_DEPTH)`,
    );
  }
  if (refused === 'containers') throw tooManyContainers('JSON value');
  if (refused === 'items') throw tooManyItems('JSON value');
  const text = decodeUtf8(bytes, 'JSON value');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new MemcacheDeserializeError('The value is not valid JSON', { cause: error });
  }
}

/**
 * Which limit the JSON text breaks, if any: 'depth' when brackets outside strings nest deeper
 * than MAX_JSON_DEPTH, 'containers' when more than MAX_DECODED_CONTAINERS open, 'items' when
 * commas and colons outside strings, plus the containers, plus one (a bound on the values,
 * keys included, that `JSON.parse` would build) exceed MAX_DECODED_ITEMS. Writing and reading
 * both ask this, so what one refuses the other does. Text of 2000 bytes or fewer breaks no
 * limit (a container takes two bytes, a value at least one) and is not scanned. Quote, backslash,
 * bracket, comma and colon bytes never occur inside a UTF-8 multi-byte sequence, so the bytes
 * are scanned as they are; malformed JSON is left for `JSON.parse` to refuse.
 */
function scanJson(bytes: Uint8Array): 'depth' | 'containers' | 'items' | undefined {
  const length = bytes.length;
  if (length <= MAX_JSON_DEPTH * 2) return undefined;
  let depth = 0;
  let containers = 0;
  let separators = 0;
  for (let index = 0; index < length; index++) {
    let byte = bytes[index]!;
    if (byte === QUOTE) {
      // A string, to its closing quote: the tightest loop, as strings are most of the bytes.
      for (index++; index < length; index++) {
        byte = bytes[index]!;
        if (byte === QUOTE) break;
        if (byte === BACKSLASH) index++;
      }
    } else if (byte === COMMA || byte === COLON) {
      separators++;
    } else if (byte === OPEN_BRACKET || byte === OPEN_BRACE) {
      if (++depth > MAX_JSON_DEPTH) return 'depth';
      if (++containers > MAX_DECODED_CONTAINERS) return 'containers';
    } else if (byte === CLOSE_BRACKET || byte === CLOSE_BRACE) {
      depth--;
    }
  }
  if (separators + containers + 1 > MAX_DECODED_ITEMS) return 'items';
  return undefined;
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
