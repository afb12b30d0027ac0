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

/** Takes each hit as it is read: the frame and where its key stands among those asked for. */
export type OnHit = (frame: ValueFrameLike, index: number) => void;

const NO_FRAMES: readonly ValueFrameLike[] = [];
const NO_INDEXES: readonly number[] = [];

/**
 * RetrievalReader's twin for reads that want the parser's frames: the same checks (every
 * `VALUE` names a key asked for, at most once per time asked, else MemcacheProtocolError from
 * `push`; an error line drops the hits before it), but the reply is kept as its frames and
 * their key indexes. With `onHit`, each hit goes there as it is read and nothing is kept:
 * a transport that merged many one-key reads into one line settles each as its hit arrives
 * (its value can be collected as soon as its caller is done with it), and a hit handed over
 * stays handed over if an error line follows.
 */
export class RetrievedFramesReader implements ReplyReader<RetrievedFrames> {
  readonly #command: string;
  readonly #keys: KeyMatcher;
  readonly #onHit: OnHit | undefined;
  #frames: ValueFrameLike[] | undefined;
  #indexes: number[] | undefined;
  #error: MemcacheError | undefined = undefined;
  #complete = false;

  constructor(command: string, keys: readonly Key[], onHit?: OnHit) {
    this.#command = command;
    this.#keys = new KeyMatcher(command, keys);
    this.#onHit = onHit;
    if (onHit === undefined) {
      this.#frames = [];
      this.#indexes = [];
    }
  }

  push(frame: Frame): boolean {
    if (frame.kind === 'value') {
      const index = this.#keys.indexOf(frame);
      if (this.#onHit !== undefined) this.#onHit(frame, index);
      else {
        this.#indexes!.push(index);
        this.#frames!.push(frame);
      }
      return false;
    }
    this.#complete = true;
    if (frame.kind === 'end') return true;
    if (this.#frames !== undefined) {
      this.#frames = [];
      this.#indexes = [];
    }
    this.#error = frame.kind === 'error' ? frame.error : unexpectedFrame(frame, this.#command);
    return true;
  }

  /** The hits kept (none with `onHit`: they were handed over as they came). */
  result(): RetrievedFrames {
    if (this.#error !== undefined) throw this.#error;
    if (!this.#complete) throw incompleteReply(this.#command);
    return { frames: this.#frames ?? NO_FRAMES, indexes: this.#indexes ?? NO_INDEXES };
  }
}
