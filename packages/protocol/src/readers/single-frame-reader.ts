import type { MemcacheError } from '../errors.js';
import type { Frame, ReplyReader } from '../types.js';
import { incompleteReply, unexpectedFrame } from './unexpected-frame.js';

/**
 * The reader of a reply that is exactly one frame (most commands). An error frame settles it
 * with that error; subclasses only say what a fitting frame means (`undefined` is a valid
 * result, so a misfit is the separate NO_FIT marker).
 */
export abstract class SingleFrameReader<T> implements ReplyReader<T> {
  protected readonly command: string;
  #value: T | undefined = undefined;
  #error: MemcacheError | undefined = undefined;
  #complete = false;

  constructor(command: string) {
    this.command = command;
  }

  push(frame: Frame): boolean {
    this.#complete = true;
    if (frame.kind === 'error') {
      this.#error = frame.error;
      return true;
    }
    const decoded = this.decode(frame);
    if (decoded === NO_FIT) this.#error = this.misfit(frame);
    else this.#value = decoded;
    return true;
  }

  /** The error of a frame that `decode` found not to answer the command. */
  protected misfit(frame: Frame): MemcacheError {
    return unexpectedFrame(frame, this.command);
  }

  result(): T {
    if (this.#error !== undefined) throw this.#error;
    if (!this.#complete) throw incompleteReply(this.command);
    return this.#value as T;
  }

  /** The result this frame stands for, or NO_FIT when the frame cannot answer the command. */
  protected abstract decode(frame: Frame): T | typeof NO_FIT;
}

/** Marks a frame that does not answer the command. */
export const NO_FIT: unique symbol = Symbol('no fit');
