import type { Chunk, EncodedRequest, Key, MetaReply } from '@mc/protocol';
import type { ServerNode } from './server-node.js';

/**
 * Builds a meta request. `quiet` asks for flag `q` with the given opaque; only requests that
 * may run twice are ever asked for that, because a quiet request whose fate is ambiguous is
 * sent again (see QuietRunReader in @mc/protocol).
 */
export type MetaRequestBuilder = (quiet: { opaque: string } | undefined) => EncodedRequest<MetaReply>;

/**
 * Hands meta requests to their node's ordered queue. A replayable request offers its quiet
 * form, so the connection can fold adjacent ones into one quiet run closed by `mn` (the
 * server then leaves out their nominal replies: `HD` for a stored `ms`, `EN` for a missing
 * `mg`); a request alone in its turn goes out as it is, without `q` or `mn`:
 *
 *   metaSet(a) metaSet(b) metaGet(c)  (same tick)
 *        └──────────┴──────────┴──▶  ms a q O.1 │ ms b q O.2 │ mg c q O.3 │ mn   (one write)
 *                                    ◀── VA .. O.3 ── MN                        (two replies)
 *
 * Requests that must not run twice (vivify, recache, cas, add, append, delete, arithmetic)
 * go loud, in call order with everything else.
 */
export class MetaBatcher {
  send(
    node: ServerNode,
    build: MetaRequestBuilder,
    replayable: boolean,
    routeKey?: Key,
    built?: EncodedRequest<MetaReply>,
  ): Promise<MetaReply> {
    // Encoding now (unless the caller did) makes bad input reject before anything is queued or sent.
    const request = built ?? build(undefined);
    if (replayable) request.quietForm = (opaque) => build({ opaque });
    return node.send(request, 1, routeKey ?? keyOfLine(request.chunks));
  }

  /** Nothing waits here any more: every request is in its connection's queue at once. */
  flush(): void {}
}

/** The key of a one-key meta line (`mg <key> …`), as sent, for routing among sockets. */
function keyOfLine(chunks: readonly Chunk[]): Key | undefined {
  const first = chunks[0];
  if (typeof first !== 'string') return undefined;
  const start = first.indexOf(' ') + 1;
  if (start === 0) return undefined;
  if (start === first.length) return chunks[1]; // a byte key travels as its own chunk
  let end = start;
  while (end < first.length && first.charCodeAt(end) > 0x20) end++;
  return first.slice(start, end);
}
