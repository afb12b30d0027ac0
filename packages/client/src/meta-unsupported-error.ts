import { MemcacheIllegalInputError } from '@mc/protocol';

/**
 * A meta option the server is too old for (the `E` flag, `md x`), caught before sending. It
 * is illegal input for that server, so `ignoreErrors` never hides it and nothing retries it.
 */
export class MemcacheUnsupportedError extends MemcacheIllegalInputError {
  static override readonly code: string = 'MC_UNSUPPORTED';
}
