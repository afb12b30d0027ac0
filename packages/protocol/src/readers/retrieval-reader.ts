import type { MemcacheError } from '../errors.js';
import type { Frame, ReplyReader } from '../types.js';
import { incompleteReply, unexpectedFrame } from './unexpected-frame.js';

/** One hit of a get/gets/gat/gats reply. Byte fields may be views into the parser's input. */
export interface RetrievedValue {
  key: Uint8Array;
  flags: number;
  /** Present for gets and gats. */
  cas: bigint | undefined;
  value: Uint8Array;
}

/**
 * Reads `VALUE` blocks up to `END`. An error line ends the reply without `END`, and the
 * server has then dropped the earlier hits, so they are dropped here too.
 */
export class RetrievalReader implements ReplyReader<RetrievedValue[]> {
  readonly #command: string;
  #values: RetrievedValue[] = [];
  #error: MemcacheError | undefined = undefined;
  #complete = false;

  constructor(command: string) {
    this.#command = command;
  }

  push(frame: Frame): boolean {
    if (frame.kind === 'value') {
      this.#values.push({ key: frame.key, flags: frame.flags, cas: frame.cas, value: frame.data });
      return false;
    }
    this.#complete = true;
    if (frame.kind === 'end') return true;
    this.#values = [];
    this.#error = frame.kind === 'error' ? frame.error : unexpectedFrame(frame, this.#command);
    return true;
  }

  result(): RetrievedValue[] {
    if (this.#error !== undefined) throw this.#error;
    if (!this.#complete) throw incompleteReply(this.#command);
    return this.#values;
  }
}
