import { MemcacheIllegalInputError } from './errors.js';

/**
 * Throws MemcacheIllegalInputError unless `token` can travel as one word of a command line:
 * non-empty, printable ASCII without spaces, at most `maxLength` chars. Used for `stats`
 * arguments and meta opaques, which the server would otherwise split or reject mid-line.
 */
export function validateToken(token: string, name: string, maxLength = 250): void {
  if (typeof token !== 'string') {
    throw new MemcacheIllegalInputError(
      `${name} must be a string of 1 to ${maxLength} characters, not ${token === null ? 'null' : typeof token}`,
    );
  }
  if (token.length === 0 || token.length > maxLength) {
    throw new MemcacheIllegalInputError(`${name} must be 1 to ${maxLength} characters`);
  }
  for (let index = 0; index < token.length; index++) {
    const code = token.charCodeAt(index);
    if (code <= 0x20 || code >= 0x7f) {
      throw new MemcacheIllegalInputError(
        `${name} ${JSON.stringify(token.slice(0, 60))} may only hold printable ASCII without spaces`,
      );
    }
  }
}
