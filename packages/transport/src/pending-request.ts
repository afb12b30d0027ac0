import type { Chunk, EncodedRequest, ReplyReader } from '@mc/protocol';

/**
 * One request from `send()` until it settles, as the ordered queue holds it (waiting, then in
 * flight). It is its own abort listener (`handleEvent`), so a request with a signal costs no
 * closure.
 */
export class PendingRequest {
  resolve!: (value: unknown) => void;
  reject!: (error: unknown) => void;
  signal: AbortSignal | undefined = undefined;
  /** Resolved or rejected; a settled request still in flight is abandoned: its reply is read and dropped. */
  settled = false;
  /** The bytes of the byte chunks when sent; a value that changed size since fails alone. */
  byteCount = 0;
  /** The quiet variant of a loud meta request that may run twice (EncodedRequest.quietForm). */
  quietForm: ((opaque: string) => EncodedRequest<unknown>) | undefined = undefined;
  /** A one-key get/gets that may share a multi-key line (EncodedRequest.mergeableGet). */
  mergeableGet: EncodedRequest<unknown>['mergeableGet'] = undefined;
  /**
   * A step of the connect handshake (the auth probe, the credentials): once it is written,
   * nothing behind it is written until its reply is in, because that reply decides what may
   * follow.
   */
  gate = false;
  /** A handshake step whose error reply leaves the stream in step (the auth probe). */
  keepsStream = false;
  /** Sent again after an ambiguous quiet run: goes out on its own, where its fate is certain. */
  alone = false;
  /**
   * Set on the one entry in flight that carries several requests (a merged get line, a quiet
   * run): frames go to its reader, and its resolve/reject hand each member its own result.
   */
  members: PendingRequest[] | undefined = undefined;

  constructor(
    public chunks: readonly Chunk[] | undefined,
    /** Reads the reply; a lone mergeable get gets its reader when it is written. */
    public reader: ReplyReader<unknown> | undefined,
    readonly closesConnection: boolean,
    readonly deadline: number,
    readonly timeout: number,
    readonly onAbort: (request: PendingRequest) => void,
  ) {}

  /** The bytes its byte chunks hold now (strings excluded), to check they did not change size. */
  byteChunkLength(): number {
    const chunks = this.chunks!;
    let bytes = 0;
    for (let index = 0; index < chunks.length; index++) {
      const chunk = chunks[index]!;
      if (typeof chunk !== 'string') bytes += chunk.byteLength;
    }
    return bytes;
  }

  handleEvent(): void {
    this.onAbort(this);
  }
}
