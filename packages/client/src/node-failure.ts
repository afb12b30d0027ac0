import { MemcacheConnectionError, MemcacheTimeoutError, MemcacheUnexpectedCloseError } from '@mc/protocol';

/**
 * A failure of the way to the server (not reached, no answer in time, the socket lost) rather
 * than an answer from it: it says something about the node, not about the request.
 */
export function isNodeFailure(error: unknown): boolean {
  return (
    error instanceof MemcacheConnectionError ||
    error instanceof MemcacheTimeoutError ||
    error instanceof MemcacheUnexpectedCloseError
  );
}
