import { Buffer } from 'node:buffer';
import { MemcacheDeserializeError } from '@mc/protocol';

/**
 * Python's `int()` accepts surrounding whitespace, and memcached may pad a decremented number
 * with trailing spaces, so both are allowed around the digits.
 */
const DECIMAL = /^[ \t\n\r\f\v]*([+-]?)(\d+)[ \t\n\r\f\v]*$/;

/** A number when it is a safe integer, so common counters stay plain numbers; a bigint otherwise. */
export function integerResult(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value;
}

/** Reads a decimal integer the way pymemcache's `int(value)` does. */
export function parseDecimalInteger(text: string, what = 'integer'): number | bigint {
  const match = DECIMAL.exec(text);
  if (match === null) throw new MemcacheDeserializeError(`The ${what} is not a decimal integer`);
  const digits = match[2]!;
  if (digits.length < 16) {
    const small = Number(digits);
    return match[1] === '-' && small !== 0 ? -small : small;
  }
  const large = BigInt(digits);
  return integerResult(match[1] === '-' ? -large : large);
}

/** Integers Python reads back with `int()`: bigints, and numbers that are exact (not -0, which is JSON). */
export function isInteger(value: unknown): value is number | bigint {
  return typeof value === 'bigint' || (Number.isSafeInteger(value) && !Object.is(value, -0));
}

/** FLAG_INTEGER's form: decimal ASCII, as pymemcache's `"%d" % value`. */
export function encodeInteger(value: number | bigint): Uint8Array {
  return Buffer.from(value.toString(), 'latin1');
}
