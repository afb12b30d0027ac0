import type { Frame, StatusWord } from '../types.js';
import { NO_FIT, SingleFrameReader } from './single-frame-reader.js';

/** What each acceptable status word means for one command, e.g. `{ STORED: true, NOT_STORED: false }`. */
export type StatusMeaning<T> = Partial<Record<StatusWord, T>>;

/** Reads a one-word reply (`STORED`, `DELETED`, `OK`...) through the command's table of meanings. */
export class StatusReader<T> extends SingleFrameReader<T> {
  readonly #meaning: StatusMeaning<T>;

  constructor(command: string, meaning: StatusMeaning<T>) {
    super(command);
    this.#meaning = meaning;
  }

  protected decode(frame: Frame): T | typeof NO_FIT {
    if (frame.kind !== 'status' || !(frame.status in this.#meaning)) return NO_FIT;
    return this.#meaning[frame.status] as T;
  }
}
