import { decodeText } from './ascii.js';

const ZERO = 0x30;
const NINE = 0x39;
const MAX_UINT64 = 0xffffffffffffffffn;

/** Digits that always fit a double exactly, so they are summed without a string. */
const SAFE_DIGITS = 15;

/** The most digits an unsigned 64-bit decimal has (18446744073709551615). */
export const MAX_UINT64_DIGITS = 20;

/**
 * The unsigned 64-bit decimal in `buffer[start, end)`, or undefined when the span is not one.
 * At most 20 digits are looked at, so a reply with a million digits costs nothing.
 */
export function parseUint64(buffer: Uint8Array, start: number, end: number): bigint | undefined {
  const length = end - start;
  if (length === 0 || length > MAX_UINT64_DIGITS) return undefined;
  let small = 0;
  for (let position = start; position < end; position++) {
    const byte = buffer[position]!;
    if (byte < ZERO || byte > NINE) return undefined;
    small = small * 10 + (byte - ZERO);
  }
  if (length <= SAFE_DIGITS) return BigInt(small);
  const value = BigInt(decodeText(buffer, start, end));
  return value <= MAX_UINT64 ? value : undefined;
}
