import { createHash } from 'node:crypto';

/** Marks a hashed segment; a segment that starts with it is always hashed, so none collide. */
const HASHED = '~';

/**
 * Turns any string into a piece of a memcached key. Keyv keys can hold spaces, newlines or
 * thousands of characters, which memcached refuses; such a key (and one too long for
 * `maxBytes`) is replaced by `~` and its SHA-256 in base64url (44 characters), so every
 * distinct string still gets a distinct key. Keys that memcached accepts stay readable.
 */
export function keySegment(text: string, maxBytes: number): string {
  if (isPlain(text) && Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  // UTF-16 code units, not UTF-8: lone surrogates would otherwise all hash alike.
  return HASHED + createHash('sha256').update(text, 'utf16le').digest('base64url');
}

function isPlain(text: string): boolean {
  if (text.length === 0 || text.startsWith(HASHED)) return false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    // memcached refuses control bytes, space and DEL; UTF-8 bytes of other characters are fine.
    if (code <= 0x20 || code === 0x7f) return false;
    if (code >= 0xd800 && code <= 0xdfff) {
      // A surrogate pair is one character; a lone surrogate would become U+FFFD in UTF-8.
      const next = text.charCodeAt(index + 1);
      if (code > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) return false;
      index++;
    }
  }
  return true;
}
