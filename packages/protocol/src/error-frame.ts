import {
  MemcacheClientError,
  MemcacheConnectionError,
  type MemcacheError,
  MemcacheServerError,
  MemcacheUnknownCommandError,
} from './errors.js';
import type { Frame } from './types.js';

export type ErrorFrame = Extract<Frame, { kind: 'error' }>;

/**
 * Error lines after which memcached's read position is known to be right after the failed
 * command, so the connection can stay. memcached 1.6.18 swallows the data block of a
 * storage command it cannot allocate (`process_update_command`, `process_mset_command`),
 * rejects a non-numeric incr/decr after reading the whole line, and answers a disabled
 * shutdown or a memlimit it cannot apply from a fully read line. Every other error line
 * leaves the position uncertain (it depends on the server version), hence `reset: true`.
 */
const IN_SYNC = new Set<string>([
  'SERVER_ERROR object too large for cache',
  'SERVER_ERROR out of memory storing object',
  'CLIENT_ERROR cannot increment or decrement non-numeric value',
  'ERROR: shutdown not enabled',
]);

/** Sent unprompted by a server at its connection limit, right before it closes. */
const TOO_MANY_CONNECTIONS = 'ERROR Too many open connections';

/**
 * Maps an error line (without its `\r\n`) to the typed error frame. The caller has already
 * checked that the line starts with one of the error words.
 */
export function errorFrame(line: string): ErrorFrame {
  let error: MemcacheError;
  let reset = !IN_SYNC.has(line);
  if (line.startsWith('CLIENT_ERROR')) {
    error = new MemcacheClientError(line, { response: line });
  } else if (line.startsWith('SERVER_ERROR')) {
    error = new MemcacheServerError(line, { response: line });
  } else if (line.startsWith('MEMLIMIT_TOO_SMALL')) {
    error = new MemcacheClientError(line, { response: line });
    reset = false;
  } else if (line.startsWith('MEMLIMIT_ADJUST_FAILED')) {
    error = new MemcacheServerError(line, { response: line });
    reset = false;
  } else if (line === TOO_MANY_CONNECTIONS) {
    error = new MemcacheConnectionError('memcached refused the connection: too many open connections', {
      response: line,
    });
  } else {
    error = new MemcacheUnknownCommandError(
      line === 'ERROR' ? 'memcached did not recognise the command (ERROR)' : line,
      { response: line },
    );
  }
  return { kind: 'error', error, reset };
}
