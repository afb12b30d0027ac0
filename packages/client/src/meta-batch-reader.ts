import {
  commands,
  type EncodedRequest,
  type Frame,
  MemcacheProtocolError,
  type MetaReply,
  type ReplyReader,
} from '@mc/protocol';

/** One request of a batch: quiet ones carry the opaque their reply will echo. */
export interface BatchEntry {
  request: EncodedRequest<MetaReply>;
  /** Set for quiet requests (`q`), whose nominal reply the server leaves out. */
  opaque?: string;
}

/**
 * How one request of a batch ended. `ambiguous`: some quiet requests between two known replies
 * failed, but error lines carry no opaque, so which ones cannot be told; the batcher sends
 * those requests again on their own (only replayable requests are ever made quiet).
 */
export type BatchOutcome =
  | { kind: 'reply'; reply: MetaReply }
  | { kind: 'error'; error: unknown }
  | { kind: 'ambiguous'; error: unknown };

interface Slot {
  entry: BatchEntry;
  reader: ReplyReader<MetaReply>;
  /** Index into the caller's entries; -1 for the `mn` the batch inserts. */
  index: number;
}

/**
 * Reads the replies of a batch sent as one request, so the whole batch stays on one socket:
 *
 *   sent:      ms a q O1   ms b q O2   ms c q O3   mn   md d O4
 *   received:  ─────────── NS O2 ──────────────── MN   HD O4
 *              a: HD hidden (stored)   c: hidden (stored)   d: its own reply
 *
 * Quiet requests come in runs, each closed by a frame whose owner is certain: the reply of a
 * loud request or an `mn` the batch puts after the run. A reply echoing a quiet request's
 * opaque settles it, and every quiet request before it in the run got its hidden nominal
 * reply, unless error lines arrived in between: error lines carry no opaque, so n errors among
 * n skipped requests pair up in order, and anything else is `ambiguous`.
 */
export class MetaBatchReader implements ReplyReader<BatchOutcome[]> {
  readonly outcomes: Array<BatchOutcome | undefined>;
  readonly #slots: Slot[];
  #position = 0;
  #errors: unknown[] = [];

  constructor(slots: Slot[], size: number) {
    this.#slots = slots;
    this.outcomes = new Array<BatchOutcome | undefined>(size).fill(undefined);
  }

  /** The chunks of every request, with `mn` after each run of quiet requests. */
  static build(entries: readonly BatchEntry[]): EncodedRequest<BatchOutcome[]> {
    const slots: Slot[] = [];
    const chunks: EncodedRequest<unknown>['chunks'] = [];
    const add = (entry: BatchEntry, index: number) => {
      slots.push({ entry, reader: entry.request.reader!, index });
      for (const chunk of entry.request.chunks) chunks.push(chunk);
    };
    entries.forEach((entry, index) => {
      const previous = slots.at(-1);
      if (entry.opaque === undefined && previous?.entry.opaque !== undefined) add(noop(), -1);
      add(entry, index);
    });
    if (slots.at(-1)?.entry.opaque !== undefined) add(noop(), -1);
    return { chunks, reader: new MetaBatchReader(slots, entries.length) };
  }

  push(frame: Frame): boolean {
    const slot = this.#slots[this.#position];
    if (slot === undefined) throw new MemcacheProtocolError(`a '${frame.kind}' reply after the batch ended`);
    if (slot.entry.opaque === undefined) {
      this.#deliver(slot, frame);
    } else if (frame.kind === 'error') {
      this.#errors.push(frame.error);
    } else {
      const opaque = frame.kind === 'meta' ? frame.flags.get('O') : undefined;
      let owner = this.#position;
      while (this.#slots[owner]?.entry.opaque !== undefined && this.#slots[owner]!.entry.opaque !== opaque)
        owner++;
      this.#settleSkipped(this.#slots.slice(this.#position, owner));
      this.#position = owner;
      const target = this.#slots[owner];
      if (target === undefined)
        throw new MemcacheProtocolError('a meta reply no request of the batch expects');
      this.#deliver(target, frame);
    }
    return this.#position >= this.#slots.length;
  }

  result(): BatchOutcome[] {
    return this.outcomes.map(
      (outcome) => outcome ?? { kind: 'error', error: new MemcacheProtocolError('no reply in the batch') },
    );
  }

  #deliver(slot: Slot, frame: Frame): void {
    if (!slot.reader.push(frame)) return; // meta replies are one frame; defensive
    this.#record(slot, () => slot.reader.result());
    const outcome = slot.index >= 0 ? this.outcomes[slot.index] : undefined;
    // A frame that does not answer its request means the stream is out of step: let the
    // transport drop the connection rather than hand replies to the wrong callers.
    if (outcome?.kind === 'error' && outcome.error instanceof MemcacheProtocolError) throw outcome.error;
    if (slot.index < 0 && !(frame.kind === 'meta' && frame.code === 'MN')) {
      throw new MemcacheProtocolError(`expected MN at the end of a quiet batch, got a '${frame.kind}' reply`);
    }
    this.#position++;
  }

  /** Quiet requests passed over by a later reply: hidden successes, or the errors seen since. */
  #settleSkipped(skipped: Slot[]): void {
    const errors = this.#errors;
    this.#errors = [];
    skipped.forEach((slot, index) => {
      if (errors.length === 0) this.#record(slot, () => slot.reader.result());
      else if (errors.length === skipped.length)
        this.#setOutcome(slot, { kind: 'error', error: errors[index] });
      else this.#setOutcome(slot, { kind: 'ambiguous', error: errors[0] });
    });
  }

  #record(slot: Slot, read: () => MetaReply): void {
    try {
      this.#setOutcome(slot, { kind: 'reply', reply: read() });
    } catch (error) {
      this.#setOutcome(slot, { kind: 'error', error });
    }
  }

  #setOutcome(slot: Slot, outcome: BatchOutcome): void {
    if (slot.index >= 0) this.outcomes[slot.index] = outcome;
  }
}

function noop(): BatchEntry {
  return { request: commands.metaNoop.request() };
}
