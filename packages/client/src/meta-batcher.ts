import type { EncodedRequest, MetaReply } from '@mc/protocol';
import { type BatchEntry, MetaBatchReader, type BatchOutcome } from './meta-batch-reader.js';
import type { ServerNode } from './server-node.js';

/**
 * Builds a meta request. `quiet` asks for flag `q` with the given opaque; the batcher only
 * asks that of requests marked replayable, because a quiet request whose fate is ambiguous
 * (see MetaBatchReader) is sent again.
 */
export type MetaRequestBuilder = (quiet: { opaque: string } | undefined) => EncodedRequest<MetaReply>;

interface Waiting {
  build: MetaRequestBuilder;
  replayable: boolean;
  resolve(reply: MetaReply): void;
  reject(error: unknown): void;
}

/** Batches longer than this are cut, so one call cannot hold a socket's buffers for long. */
const MAX_BATCH = 256;

let nextOpaque = 0;

/**
 * Folds the meta requests made in one turn of the event loop into one pipelined batch per
 * node, with the replayable ones quiet (`q` + opaque) so the server leaves out their nominal
 * replies (`HD` for a stored `ms`, `EN` for a missing `mg`):
 *
 *   metaSet(a) metaSet(b) metaGet(c)  (same tick)
 *        └──────────┴──────────┴──▶  ms a q O.1 │ ms b q O.2 │ mg c q O.3 │ mn   (one write)
 *                                    ◀── VA .. O.3 ── MN                        (two replies)
 *
 * A request alone in its turn goes out as it is, without `q` or `mn`. Requests that must not
 * run twice (vivify, recache, cas, add, append, delete, arithmetic) ride in the batch loud.
 */
export class MetaBatcher {
  #queues = new Map<ServerNode, Waiting[]>();
  #scheduled = false;

  send(node: ServerNode, build: MetaRequestBuilder, replayable: boolean): Promise<MetaReply> {
    // Encoding now makes bad input reject before anything is queued or sent.
    const probe = build(undefined);
    return new Promise<MetaReply>((resolve, reject) => {
      let queue = this.#queues.get(node);
      if (queue === undefined) {
        queue = [];
        this.#queues.set(node, queue);
      }
      let first = true;
      const reuse: MetaRequestBuilder = (quiet) => {
        if (quiet === undefined && first) {
          first = false;
          return probe;
        }
        return build(quiet);
      };
      queue.push({ build: reuse, replayable, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        queueMicrotask(() => this.flush());
      }
    });
  }

  /**
   * Sends what has gathered, now rather than at the end of the tick: a caller about to send a
   * text command to the same server calls this first so the wire order is the call order.
   */
  flush(): void {
    this.#scheduled = false;
    const queues = this.#queues;
    this.#queues = new Map();
    for (const [node, queue] of queues) {
      for (let start = 0; start < queue.length; start += MAX_BATCH) {
        this.#sendBatch(node, queue.slice(start, start + MAX_BATCH));
      }
    }
  }

  #sendBatch(node: ServerNode, batch: Waiting[]): void {
    if (batch.length === 1 || !batch.some((waiting) => waiting.replayable)) {
      for (const waiting of batch) this.#sendAlone(node, waiting);
      return;
    }
    const entries: BatchEntry[] = [];
    for (const waiting of batch) {
      if (waiting.replayable) {
        nextOpaque = (nextOpaque + 1) % 0x7fffffff;
        const opaque = 'b' + nextOpaque.toString(36);
        entries.push({ request: waiting.build({ opaque }), opaque });
      } else {
        entries.push({ request: waiting.build(undefined) });
      }
    }
    const request = MetaBatchReader.build(entries);
    const reader = request.reader as MetaBatchReader;
    node.send(request).then(
      (outcomes) => this.#settle(node, batch, outcomes, undefined),
      (error: unknown) => this.#settle(node, batch, reader.outcomes, error),
    );
  }

  /**
   * Hands each caller its outcome. When the batch failed as a whole (connection lost, reset),
   * requests whose replies had arrived still get them; the rest get the batch's error.
   */
  #settle(
    node: ServerNode,
    batch: Waiting[],
    outcomes: ReadonlyArray<BatchOutcome | undefined>,
    failure: unknown,
  ) {
    batch.forEach((waiting, index) => {
      const outcome = outcomes[index];
      if (outcome === undefined) waiting.reject(failure);
      else if (outcome.kind === 'reply') waiting.resolve(outcome.reply);
      else if (outcome.kind === 'error') waiting.reject(outcome.error);
      else this.#sendAlone(node, waiting);
    });
  }

  #sendAlone(node: ServerNode, waiting: Waiting): void {
    let request: EncodedRequest<MetaReply>;
    try {
      request = waiting.build(undefined);
    } catch (error) {
      waiting.reject(error);
      return;
    }
    node.send(request).then(waiting.resolve, waiting.reject);
  }
}
