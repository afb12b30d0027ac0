import { MemcacheIllegalInputError } from './errors.js';
import { hasLoneSurrogate } from './has-lone-surrogate.js';
import type { Key } from './types.js';

/** The longest key memcached accepts, in bytes (KEY_MAX_LENGTH). */
export const MAX_KEY_BYTES = 250;

/**
 * The key's length in bytes on the wire, after checking that every byte is one memcached's
 * text protocol allows (above 0x20, not 0x7F). The server accepts control bytes that the
 * protocol forbids, and a space or `\r\n` would split the command, so the client is the one
 * that must refuse them. ASCII strings are checked char by char without encoding them.
 */
export function keyByteLength(key: Key): number {
  if (typeof key === 'string') {
    let ascii = true;
    for (let index = 0; index < key.length; index++) {
      const code = key.charCodeAt(index);
      if (code <= 0x20 || code === 0x7f) throw badByte(key, code);
      if (code >= 0x80) ascii = false;
    }
    if (ascii) return key.length;
    if (hasLoneSurrogate(key))
      throw new MemcacheIllegalInputError('key is not well-formed Unicode (a lone surrogate)');
    return Buffer.byteLength(key, 'utf8');
  }
  if (!(key instanceof Uint8Array)) {
    throw new MemcacheIllegalInputError(`key must be a string or a Uint8Array, not ${typeof key}`);
  }
  for (let index = 0; index < key.length; index++) {
    const byte = key[index]!;
    if (byte <= 0x20 || byte === 0x7f) throw badByte(key, byte);
  }
  return key.length;
}

/**
 * Throws MemcacheIllegalInputError unless `key` is 1–250 bytes of allowed bytes (measured
 * as sent: after the client added any prefix), and returns the key to send: a string as it
 * is, bytes as a private copy taken before checking. What was checked is then what is sent,
 * even when the caller changes its buffer (or detaches or resizes it) after the call; the copy
 * costs at most 250 bytes.
 */
export function validateKey(key: Key): Key {
  const checked = ownKey(key);
  const length = keyByteLength(checked);
  if (length === 0) throw new MemcacheIllegalInputError('key is empty');
  if (length > MAX_KEY_BYTES) {
    throw new MemcacheIllegalInputError(`key is ${length} bytes; memcached allows at most ${MAX_KEY_BYTES}`);
  }
  return checked;
}

/**
 * A string key as it is; a byte key as a copy (after refusing one too long to copy cheaply),
 * so later changes to the caller's buffer cannot reach the wire.
 */
export function ownKey(key: Key): Key {
  if (typeof key === 'string' || !(key instanceof Uint8Array)) return key;
  if (key.length > MAX_KEY_BYTES) {
    throw new MemcacheIllegalInputError(
      `key is ${key.length} bytes; memcached allows at most ${MAX_KEY_BYTES}`,
    );
  }
  return new Uint8Array(key);
}

function badByte(key: Key, code: number): MemcacheIllegalInputError {
  const shown = typeof key === 'string' ? JSON.stringify(key.slice(0, 60)) : `${key.length} bytes`;
  return new MemcacheIllegalInputError(
    `key ${shown} contains the byte 0x${code.toString(16).padStart(2, '0')}; keys may not contain spaces, control bytes or 0x7F`,
  );
}
