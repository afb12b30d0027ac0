import { validateKey } from '../validate-key.js';
import type { Chunk, Key } from '../types.js';

/** The line terminator, shared by every encoder. */
export const CRLF = '\r\n';

/**
 * A command line around one key: one string when the key is a string, else the key's bytes
 * as their own chunk between the text on either side (never copied into the header).
 * Validates the key; byte keys are sent as the copy that was validated.
 */
export function keyedLine(head: string, key: Key, tail: string): Chunk[] {
  const checked = validateKey(key);
  if (typeof checked === 'string') return [head + checked + tail];
  return [head, checked, tail];
}
