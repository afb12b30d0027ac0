/** ES2024's String.prototype.isWellFormed (native in Node 20), which our ES2023 typings lack. */
const isWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;

/**
 * True when `text` holds half of a surrogate pair: it has no UTF-8 form, so Node would send
 * U+FFFD instead and the key on the wire would be a different key. One native call where the
 * runtime has `isWellFormed`.
 */
export function hasLoneSurrogate(text: string): boolean {
  if (isWellFormed !== undefined) return !isWellFormed.call(text);
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0xd800 || code > 0xdfff) continue;
    const next = text.charCodeAt(index + 1);
    if (code > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) return true;
    index++;
  }
  return false;
}
