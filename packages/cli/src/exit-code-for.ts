import {
  MemcacheConnectionError,
  MemcacheIllegalInputError,
  MemcacheTimeoutError,
  MemcacheUnexpectedCloseError,
} from '@mc/client';
import { type ExitCode, exitCodes } from './exit-codes.js';
import { UsageError } from './usage-error.js';

/**
 * The exit code an error stands for. Illegal input (a bad key, a bad TTL) is the caller's
 * mistake, so it counts as usage; a closed or unreachable server is a connection problem
 * even though memcached's closing mid-request is a MemcacheServerError subclass.
 */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof UsageError || error instanceof MemcacheIllegalInputError) return exitCodes.usage;
  if (
    error instanceof MemcacheConnectionError ||
    error instanceof MemcacheTimeoutError ||
    error instanceof MemcacheUnexpectedCloseError
  ) {
    return exitCodes.connection;
  }
  // Everything else the server or the data did: an error line, a reply or value we cannot read.
  return exitCodes.server;
}
