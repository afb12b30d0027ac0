import type { EncodedRequest, Key, RetrievedValue, ValueFrameLike } from '@mc/protocol';
import type { CloseOptions } from '@mc/transport';

/**
 * Turns a one-key read's hit (undefined on a miss) into what the read resolves with. The hit
 * is the parser's frame where the transport hands it over (Connection#retrieve), so a text
 * value is taken as its string without a view (see decodeFrame).
 */
export type FinishRead<R, C> = (hit: ValueFrameLike | undefined, context: C) => R;

/** A RetrievalReader's hit as a frame, for a read that came back as a list of hits. */
export function hitFrame(hit: RetrievedValue | undefined): ValueFrameLike | undefined {
  return hit === undefined
    ? undefined
    : { kind: 'value', key: hit.key, flags: hit.flags, cas: hit.cas, data: hit.value };
}

/**
 * One memcached server as the clients see it: somewhere to send encoded requests. Client has
 * one; HashClient has many and decides, per key, which one answers. Keeping this seam small
 * is what lets both share every command method.
 */
export interface ServerNode {
  /** The server's name: `host:port`, `[v6]:port` or the socket path. */
  readonly name: string;
  /**
   * `keyCount` only informs tracing (`mc:command:*` messages). `routeKey`, the key as sent,
   * picks the socket among several (`connections`), so one key's commands keep their order.
   */
  send<T>(request: EncodedRequest<T>, keyCount?: number, routeKey?: Key): Promise<T>;
  /**
   * Sends a request built by `build` on every socket and resolves with the first one's answer
   * once each has answered: a barrier behind everything sent before on any socket. Optional:
   * without it (one socket) a `send` is the same.
   */
  everySocket?<T>(build: () => EncodedRequest<T>, keyCount?: number): Promise<T>;
  /** Which socket carries `wireKey`, when there are several; keys of one multi-key line share it. */
  socketOf?(wireKey: Key): number;
  /**
   * Reads one key; concurrent calls in the same tick may share one multi-key line, so a burst
   * of single-key reads costs the server one command instead of many. Optional: without it a
   * read is a one-key `send`. Resolves with `finish(hit, context)` (`hit` undefined on a
   * miss); a throw of `finish` rejects this read alone and is not the node's failure.
   */
  retrieve?<R, C>(command: 'get' | 'gets', wireKey: Key, finish: FinishRead<R, C>, context: C): Promise<R>;
  /** Says `quit` on every socket, then closes them. */
  quit(): Promise<void>;
  /** Closes every socket: gracefully within `options.timeout`, or at once with `force`. */
  close(options?: CloseOptions): Promise<void>;
}
