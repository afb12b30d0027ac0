import { describeError } from './describe-error.mjs';
import { sameValue } from './key-space.mjs';

const bytes = Buffer.from(Array.from({ length: 512 }, (_, index) => index % 256));
const expected = { string: undefined, buffer: bytes };

/**
 * Sets a value holding every byte (CR, LF and invalid UTF-8 among them) and reads it back. Not
 * part of the timed workloads, which use ASCII strings every client accepts; this tells which
 * clients would corrupt or refuse real binary data (images, compressed or msgpack payloads).
 */
export async function probeBinary(client, key) {
  try {
    const stored = await client.set(key, bytes);
    if (stored === false) return 'refused (set answered false)';
    const value = await client.get(key);
    if (sameValue(value, expected)) return 'ok';
    if (value === undefined || value === null) return 'lost (get missed after set)';
    return `corrupted (${typeof value === 'string' ? 'string' : 'bytes'} of ${value.length} back)`;
  } catch (error) {
    return `error: ${describeError(error)}`;
  }
}
