import { MemcacheIllegalInputError } from '../errors.js';
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

/**
 * The end of a text command line: ` noreply\r\n` or `\r\n`. `noreply` must be a real boolean:
 * a string such as `'false'` would be truthy, and a caller would silently lose every reply
 * (errors included) of a command they meant to hear from.
 */
export function lineEnding(noreply: boolean): string {
  if (typeof noreply !== 'boolean') {
    throw new MemcacheIllegalInputError(
      `noreply must be true or false, not ${JSON.stringify(noreply) ?? String(noreply)}`,
    );
  }
  return noreply ? ' noreply\r\n' : CRLF;
}
