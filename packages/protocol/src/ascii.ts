/** Bytes of an ASCII string, for the fixed frames and words built once at module load. */
export function ascii(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let index = 0; index < text.length; index++) bytes[index] = text.charCodeAt(index);
  return bytes;
}

const utf8 = new TextDecoder('utf-8');

/**
 * Text of a short span of reply bytes (a stat, a flag token, an error message). Reply text
 * is nearly always ASCII, which this builds without a decoder call; anything else is UTF-8.
 */
export function decodeText(bytes: Uint8Array, start: number, end: number): string {
  let text = '';
  for (let index = start; index < end; index++) {
    const byte = bytes[index]!;
    if (byte >= 0x80) return utf8.decode(bytes.subarray(start, end));
    text += String.fromCharCode(byte);
  }
  return text;
}
