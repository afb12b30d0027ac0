import type { MemcacheError } from './errors.js';

/**
 * A piece of an encoded request. Strings are written as UTF-8 and carry header text; byte
 * chunks are values (or binary keys) handed to the socket untouched, never copied.
 */
export type Chunk = string | Uint8Array;

/** A key as a user gives it: a string (sent as UTF-8) or raw bytes. */
export type Key = string | Uint8Array;

/** The one-word status replies of the text protocol. */
export type StatusWord =
  | 'STORED'
  | 'NOT_STORED'
  | 'EXISTS'
  | 'NOT_FOUND'
  | 'DELETED'
  | 'TOUCHED'
  | 'OK'
  /** `stats reset` answers `RESET` instead of `OK`. */
  | 'RESET';

/** The two-letter return codes of the meta protocol. */
export type MetaCode = 'VA' | 'HD' | 'EN' | 'NS' | 'EX' | 'NF' | 'MN' | 'ME';

/**
 * One unit of a server reply, as the streaming parser cuts it: a line, or a line with its
 * data block. Byte fields are views into the parser's input when the data arrived in one
 * chunk; copy them if you keep them beyond the current turn of the event loop.
 */
export type Frame =
  /** `VALUE <key> <flags> <bytes> [<cas>]` followed by its data block. */
  | { kind: 'value'; key: Uint8Array; flags: number; cas: bigint | undefined; data: Uint8Array }
  /** `END` */
  | { kind: 'end' }
  /** `STORED`, `NOT_STORED`, `EXISTS`, `NOT_FOUND`, `DELETED`, `TOUCHED`, `OK` */
  | { kind: 'status'; status: StatusWord }
  /** The digits incr/decr answer with (padding trimmed). */
  | { kind: 'number'; value: bigint }
  /**
   * `STAT <name> <value>`. The two other line shapes of `stats` sub-commands arrive as stat
   * frames too: `ITEM <key> [<size> b; <exptime> s]` (`stats cachedump`) with the key as
   * name, and `PREFIX <prefix> get ...` (`stats detail dump`) with the prefix as name.
   */
  | { kind: 'stat'; name: string; value: string }
  /** `VERSION <version>` */
  | { kind: 'version'; version: string }
  /**
   * A meta reply: `VA <size> <flags>*` (with its data block), `HD`, `EN`, `NS`, `EX`, `NF`,
   * `MN`, `ME`. `flags` maps each returned flag letter to its token ('' for bare flags such as
   * `W`), in the order the server sent them.
   *
   * `ME <key> <name>=<value>*` (meta debug) arrives as code `ME` with `key` set and `flags`
   * holding the debug pairs (`exp`, `la`, `cas`, `fetch`, `cls`, `size`).
   */
  | {
      kind: 'meta';
      code: MetaCode;
      flags: Map<string, string>;
      data: Uint8Array | undefined;
      /** Only for `ME`: the key as the server printed it. */
      key?: Uint8Array;
    }
  /**
   * `ERROR`, `CLIENT_ERROR ...`, `SERVER_ERROR ...`, already mapped to the typed error.
   * `reset` says the stream position is uncertain after it, so the connection must be closed
   * and reopened (the server may still be reading or discarding the request); `SERVER_ERROR object too
   * large for cache` keeps the stream in sync and has `reset: false`. An unprompted `ERROR Too
   * many open connections` arrives as a MemcacheConnectionError with `reset: true`.
   */
  | { kind: 'error'; error: MemcacheError; reset: boolean };

/**
 * Turns the frames of one request's reply into its result. The transport feeds frames to the
 * reader of the oldest outstanding request until `push` answers true, then settles that
 * request with `result()`. This is how the protocol knows the reply shape each request
 * expects (a retrieval reply has many frames; a quiet meta batch may have none until `MN`).
 */
export interface ReplyReader<T> {
  /** Consumes the next frame of this reply; returns true once the reply is complete. */
  push(frame: Frame): boolean;
  /**
   * True on the reader of a quiet meta request (flag `q`), whose nominal reply the server
   * leaves out. Such a request is never read on its own: the transport sends it in a run of
   * quiet requests closed by `mn`, read by QuietRunReader, which matches replies by `opaque`.
   */
  readonly quiet?: boolean;
  /** The opaque a quiet request's replies echo. */
  readonly opaque?: string | undefined;
  /** The decoded reply; throws the server's typed error when the reply was an error. */
  result(): T;
}

/**
 * An encoded request: the chunks to write, and how to read its reply. `reader` is undefined
 * for requests that get no reply (`noreply`, `quit`).
 */
export interface EncodedRequest<T> {
  chunks: Chunk[];
  reader: ReplyReader<T> | undefined;
  /** The command's name (`get`, `mg`...), for tracing and error messages. */
  command?: string;
  /**
   * True for `quit` and `shutdown`: the server closes the connection after it. For
   * `shutdown` a close with the request outstanding is its success (an error line is its
   * failure), so settle it with `undefined` rather than MemcacheUnexpectedCloseError.
   */
  closesConnection?: boolean;
  /**
   * Offered by a loud meta request that may run twice (a plain `ms`, an `mg` without
   * vivify or recache): the same request with `q` and the given opaque. A transport folds
   * adjacent such requests into one quiet run closed by `mn` (see QuietRunReader), and sends
   * one again on its own when an error line among the run cannot be attributed.
   */
  quietForm?: (opaque: string) => EncodedRequest<T>;
  /**
   * Marks a one-key `get`/`gets`: a transport may fold adjacent ones into one multi-key line
   * and hand each request its own hit (a one-element or empty list, `index` 0). The transport
   * encodes the line itself, so such a request may leave `chunks` empty and `reader`
   * undefined (its key must then be validated already, see validateKey).
   *
   * With `finish`, the request resolves with `finish(hit, context)` instead: `hit` is the
   * parser's `VALUE` frame (undefined on a miss), called once, as soon as the hit is read; a
   * throw rejects that request alone. A caller that would turn the list into a value anyway
   * saves a promise, a closure, a list and a hit object per read, and the views of the frame
   * it does not read (a ValueFrame builds `key` and `data` only when asked).
   */
  mergeableGet?: {
    command: 'get' | 'gets';
    key: Key;
    finish?: (hit: Extract<Frame, { kind: 'value' }> | undefined, context: unknown) => unknown;
    context?: unknown;
  };
}
