import {
  MemcacheClientError,
  MemcacheConnectionError,
  MemcacheIllegalInputError,
  MemcacheProtocolError,
  MemcacheServerError,
  MemcacheTimeoutError,
} from '@mc/protocol';

/**
 * Which failures of a request `ignoreErrors` may turn into misses: the network's and the
 * server's. Illegal input is a bug in the caller and always surfaces. (A value that cannot be
 * decoded is a miss under ignoreErrors too, decided where it is decoded: see decodeValue.)
 */
export function isIgnorableError(error: unknown): boolean {
  if (error instanceof MemcacheIllegalInputError) return false;
  return (
    error instanceof MemcacheConnectionError ||
    error instanceof MemcacheTimeoutError ||
    error instanceof MemcacheServerError ||
    error instanceof MemcacheProtocolError ||
    error instanceof MemcacheClientError
  );
}
