import { MemcacheDeserializeError } from './errors.js';

// ignoreBOM keeps a leading U+FEFF as text, as Buffer#toString does.
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Strict UTF-8 decoding: malformed text is a MemcacheDeserializeError, never a silent U+FFFD.
 * One native call that validates and decodes: measured about 4x cheaper per small value than
 * isUtf8 followed by Buffer#toString.
 */
export function decodeUtf8(bytes: Uint8Array, what = 'text'): string {
  try {
    return strictDecoder.decode(bytes);
  } catch (error) {
    throw new MemcacheDeserializeError(`The ${what} is not valid UTF-8`, { cause: error });
  }
}
