import type { MemcacheError } from '../errors.js';
import type { Frame, Key, ReplyReader } from '../types.js';
import { KeyMatcher } from './key-matcher.js';
import { incompleteReply, unexpectedFrame } from './unexpected-frame.js';

/** A `VALUE` frame: the parser's are ValueFrame instances. */
export type ValueFrameLike = Extract<Frame, { kind: 'value' }>;

/**
 * The hits of a retrieval reply as the parser cut them: `frames[n]` answers the key at
 * `indexes[n]` of those asked for. What a multi-key read needs to pair hits with its own
 * keys, without a hit object or a key view per value.
 */
export interface RetrievedFrames {
  readonly frames: readonly ValueFrameLike[];
  readonly indexes: readonly number[];
}

/**
 * RetrievalReader's twin for multi-key reads: the same checks (every `VALUE` names a key
 * asked for, at most once per time asked, else MemcacheProtocolError from `push`; an error
 * line drops the hits before it), but the reply is kept as its frames and their key indexes.
 */
export class RetrievedFramesReader implements ReplyReader<RetrievedFrames> {
  readonly #command: string;
  readonly #keys: KeyMatcher;
  #frames: ValueFrameLike[] = [];
  #indexes: number[] = [];
  #error: MemcacheError | undefined = undefined;
  #complete = false;

  constructor(command: string, keys: readonly Key[]) {
    this.#command = command;
    this.#keys = new KeyMatcher(command, keys);
  }

  push(frame: Frame): boolean {
    if (frame.kind === 'value') {
      this.#indexes.push(this.#keys.indexOf(frame));
      this.#frames.push(frame);
      return false;
    }
    this.#complete = true;
    if (frame.kind === 'end') return true;
    this.#frames = [];
    this.#indexes = [];
    this.#error = frame.kind === 'error' ? frame.error : unexpectedFrame(frame, this.#command);
    return true;
  }

  result(): RetrievedFrames {
    if (this.#error !== undefined) throw this.#error;
    if (!this.#complete) throw incompleteReply(this.#command);
    return { frames: this.#frames, indexes: this.#indexes };
  }
}
