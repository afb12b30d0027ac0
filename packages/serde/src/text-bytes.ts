import { Buffer } from 'node:buffer';
import { MemcacheIllegalInputError } from '@mc/protocol';
import { hasLoneSurrogate } from './utf8.js';

/** UTF-8 for FLAG_TEXT, refusing lone surrogates: Python's `decode('utf8')` (and ours) would reject them. */
export function encodeText(text: string): Uint8Array {
  if (hasLoneSurrogate(text)) {
    throw new MemcacheIllegalInputError('The string holds a lone surrogate, which UTF-8 text cannot carry');
  }
  return Buffer.from(text, 'utf8');
}
