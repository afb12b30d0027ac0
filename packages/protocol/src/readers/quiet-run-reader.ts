import { MemcacheProtocolError } from '../errors.js';
import type { Chunk, EncodedRequest, Frame, ReplyReader } from '../types.js';
import type { MetaReply } from './meta-reader.js';

const MN = 'mn\r\n';

/** One quiet request (flag `q`) of a run: its reader, and the opaque its replies echo. */
export interface QuietMember {
  reader: ReplyReader<MetaReply>;
  opaque: string | undefined;
}

/**
 * How one request of a quiet run ended. `ambiguous`: error lines arrived among several quiet
 * requests and error lines carry no opaque, so which request failed cannot be told; send
 * such a request again on its own (so only requests that may run twice should be quiet).
 */
export type QuietOutcome =
  | { kind: 'reply'; reply: MetaReply }
  | { kind: 'error'; error: unknown }
  | { kind: 'ambiguous'; error: unknown };

/**
 * Reads the replies of a run of quiet meta requests closed by `mn`: the one matching of quiet
 * replies to their requests, for the transport and for every client built on it.
 *
 *   sent:      ms a q O1   ms b q O2   mg c q O3 v   mn
 *   received:  SERVER_ERROR object too large ── VA 1 O3 ── MN
 *              └ a or b? unknown: both ambiguous    └ c's      └ closes the run
 *
 * A reply echoing a member's opaque settles that member; members passed over before it got
 * their hidden nominal reply (`HD`, or `EN` for mg) when no error line arrived in between.
 * n error lines among exactly n passed-over members pair up in order (each request answers
 * at most once); any other count leaves those members ambiguous. `MN` passes over the rest.
 * An error line after which the stream position is uncertain (`reset`) also ends the run.
 * A frame no member can own (an opaque not in the run, more errors than requests) means the
 * stream is out of step: `push` throws MemcacheProtocolError and the transport resets.
 */
export class QuietRunReader implements ReplyReader<QuietOutcome[]> {
  /** Per member, once known; what is known survives a run cut short by a lost connection. */
  readonly outcomes: Array<QuietOutcome | undefined>;
  readonly #members: readonly QuietMember[];
  #position = 0;
  #errors: unknown[] = [];
  #complete = false;

  constructor(members: readonly QuietMember[]) {
    this.#members = members;
    this.outcomes = new Array<QuietOutcome | undefined>(members.length).fill(undefined);
  }

  /** The members' chunks and a closing `mn`, read by a QuietRunReader. */
  static request(
    members: ReadonlyArray<{ chunks: readonly Chunk[]; member: QuietMember }>,
  ): EncodedRequest<QuietOutcome[]> {
    const chunks: Chunk[] = [];
    for (const { chunks: own } of members) for (const chunk of own) chunks.push(chunk);
    chunks.push(MN);
    return {
      chunks,
      reader: new QuietRunReader(members.map(({ member }) => member)),
      command: 'mn',
    };
  }

  push(frame: Frame): boolean {
    if (this.#complete) throw new MemcacheProtocolError(`a '${frame.kind}' reply after a quiet run ended`);
    if (frame.kind === 'error') {
      this.#errors.push(frame.error);
      // Each member left can own one error line at most: one more, and the stream is out of
      // step (and a server flooding error lines would otherwise grow this list unbounded).
      if (this.#errors.length > this.#members.length - this.#position) {
        throw new MemcacheProtocolError(
          `${this.#errors.length} error lines for ${this.#members.length - this.#position} quiet requests; the stream is out of step`,
          { cause: this.#errors[0] },
        );
      }
      if (!frame.reset) return false;
      this.#passOver(this.#members.length);
      return (this.#complete = true);
    }
    if (frame.kind === 'meta' && frame.code === 'MN') {
      this.#passOver(this.#members.length);
      return (this.#complete = true);
    }
    const opaque = frame.kind === 'meta' ? frame.flags.get('O') : undefined;
    let owner = this.#position;
    while (owner < this.#members.length && this.#members[owner]!.opaque !== opaque) owner++;
    if (owner === this.#members.length) {
      throw new MemcacheProtocolError(
        `a '${frame.kind}' reply${opaque === undefined ? '' : ` with opaque ${opaque}`} that no quiet request of the run expects; the stream is out of step`,
      );
    }
    this.#passOver(owner);
    const member = this.#members[owner]!;
    member.reader.push(frame);
    this.#record(owner);
    const outcome = this.outcomes[owner]!;
    // A frame that does not fit its request (STORED for an mg): replies are out of step.
    if (outcome.kind === 'error' && outcome.error instanceof MemcacheProtocolError) throw outcome.error;
    this.#position = owner + 1;
    return false;
  }

  result(): QuietOutcome[] {
    return this.outcomes.map(
      (outcome) =>
        outcome ?? { kind: 'error', error: new MemcacheProtocolError('no reply for a quiet request') },
    );
  }

  /** Settles the members from the current position up to `end` (not included). */
  #passOver(end: number): void {
    const errors = this.#errors;
    this.#errors = [];
    const skipped = end - this.#position;
    if (errors.length > skipped) {
      throw new MemcacheProtocolError(
        `${errors.length} error lines for ${skipped} quiet requests; the stream is out of step`,
        { cause: errors[0] },
      );
    }
    for (let index = this.#position; index < end; index++) {
      if (errors.length === 0) this.#record(index);
      else if (errors.length === skipped)
        this.outcomes[index] = { kind: 'error', error: errors[index - this.#position] };
      else this.outcomes[index] = { kind: 'ambiguous', error: errors[0] };
    }
    this.#position = end;
  }

  #record(index: number): void {
    try {
      this.outcomes[index] = { kind: 'reply', reply: this.#members[index]!.reader.result() };
    } catch (error) {
      this.outcomes[index] = { kind: 'error', error };
    }
  }
}
