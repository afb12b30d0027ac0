import { MemcacheProtocolError } from './errors.js';
import { MAX_UINT64_DIGITS, parseUint64 } from './parse-uint64.js';

const SPACE = 0x20;

/**
 * Reads an unsigned 64-bit number the server sent (an `ma` value, a `c` cas token), trailing
 * padding spaces allowed. Anything else is MemcacheProtocolError, never a SyntaxError from
 * `BigInt()`: the stream is not what memcached sends. At most 20 digits are decoded, so a
 * hostile reply of a million digits costs nothing.
 */
export function uint64Reply(reply: Uint8Array | string, what: string): bigint {
  const bytes = typeof reply === 'string' ? Buffer.from(reply.slice(0, 64), 'latin1') : reply;
  let end = Math.min(bytes.length, 64);
  while (end > 0 && bytes[end - 1] === SPACE) end--;
  const value = end <= MAX_UINT64_DIGITS && reply.length <= 64 ? parseUint64(bytes, 0, end) : undefined;
  if (value === undefined) {
    const shown = Buffer.from(bytes.subarray(0, 40)).toString('latin1');
    throw new MemcacheProtocolError(
      `memcached sent ${what} that is not an unsigned 64-bit number: ${JSON.stringify(shown)}`,
      { response: shown },
    );
  }
  return value;
}
