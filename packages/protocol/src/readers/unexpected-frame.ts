import { MemcacheProtocolError } from '../errors.js';
import type { Frame } from '../types.js';

/**
 * The error a reader settles with when a frame does not belong to its reply shape (a
 * `STORED` answering a `get`): the stream is out of step with the requests, so the
 * connection must be dropped, as after any protocol error.
 */
export function unexpectedFrame(frame: Frame, command: string): MemcacheProtocolError {
  return new MemcacheProtocolError(`memcached answered ${command} with ${describeFrame(frame)}`, {
    response: describeFrame(frame),
  });
}

/** The error `result()` throws when it is called before the reply is complete. */
export function incompleteReply(command: string): MemcacheProtocolError {
  return new MemcacheProtocolError(`the reply to ${command} is not complete yet`);
}

function describeFrame(frame: Frame): string {
  switch (frame.kind) {
    case 'value':
      return 'a VALUE block';
    case 'end':
      return 'END';
    case 'status':
      return frame.status;
    case 'number':
      return `the number ${frame.value}`;
    case 'stat':
      return `STAT ${frame.name}`;
    case 'version':
      return `VERSION ${frame.version}`;
    case 'meta':
      return frame.code;
    case 'error':
      return frame.error.message;
  }
}
