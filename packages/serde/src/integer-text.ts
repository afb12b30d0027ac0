import { Buffer } from 'node:buffer';
import { MemcacheDeserializeError } from '@mc/protocol';

/**
 * Python's `int()` accepts surrounding whitespace, and memcached may pad a decremented number
 * with trailing spaces, so both are allowed around the digits.
 */
const DECIMAL = /^[ \t\n\r\f\v]*([+-]?)(\d+)[ \t\n\r\f\v]*$/;

/**
 * The most digits a decimal integer value may have: Python's own default limit for turning
 * an int into text (`sys.int_info.default_max_str_digits`), so anything pymemcache can write
 * is read. Decimal conversion costs quadratic time, and a value of millions of digits would
 * block the event loop for seconds in `BigInt()`; longer text is a MemcacheDeserializeError.
 */
export const MAX_INTEGER_DIGITS = 4300;

/** Whitespace allowed around the digits (memcached pads a decremented number with spaces). */
const MAX_INTEGER_PADDING = 64;

/** A number when it is a safe integer, so common counters stay plain numbers; a bigint otherwise. */
export function integerResult(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value;
}

/** Reads a decimal integer the way pymemcache's `int(value)` does. */
export function parseDecimalInteger(text: string, what = 'integer'): number | bigint {
  if (text.length > MAX_INTEGER_DIGITS + MAX_INTEGER_PADDING) throw tooLong(what);
  const match = DECIMAL.exec(text);
  if (match === null) throw new MemcacheDeserializeError(`The ${what} is not a decimal integer`);
  const digits = match[2]!;
  if (digits.length > MAX_INTEGER_DIGITS) throw tooLong(what);
  if (digits.length < 16) {
    const small = Number(digits);
    return match[1] === '-' && small !== 0 ? -small : small;
  }
  const large = BigInt(digits);
  return integerResult(match[1] === '-' ? -large : large);
}

/** Reads FLAG_INTEGER (and FLAG_LONG) bytes, refusing overlong text before decoding it. */
export function integerText(bytes: Uint8Array): number | bigint {
  if (bytes.length > MAX_INTEGER_DIGITS + MAX_INTEGER_PADDING) throw tooLong('integer');
  return parseDecimalInteger(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1'));
}

/** Integers Python reads back with `int()`: bigints, and numbers that are exact (not -0, which is JSON). */
export function isInteger(value: unknown): value is number | bigint {
  return typeof value === 'bigint' || (Number.isSafeInteger(value) && !Object.is(value, -0));
}

/** FLAG_INTEGER's form: decimal ASCII, as pymemcache's `"%d" % value`. */
export function encodeInteger(value: number | bigint): Uint8Array {
  return Buffer.from(value.toString(), 'latin1');
}

function tooLong(what: string): MemcacheDeserializeError {
  return new MemcacheDeserializeError(
    `The ${what} has more than ${MAX_INTEGER_DIGITS} digits (MAX_INTEGER_DIGITS)`,
  );
}
