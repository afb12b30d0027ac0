import type { Chunk, EncodedRequest } from './types.js';

/**
 * One memcached command: how its arguments become bytes, and how its reply becomes a
 * result. Clients derive their methods from these definitions instead of writing each
 * command twice.
 */
export interface CommandDefinition<Args extends readonly unknown[], Result> {
  /** The command's name on the wire (`set`, `mg`, `flush_all`...). */
  readonly name: string;
  /** Validates the arguments (MemcacheIllegalInputError) and returns the chunks to write. */
  encode(...args: Args): Chunk[];
  /** `encode`, plus a fresh reader for the reply (undefined when no reply comes). */
  request(...args: Args): EncodedRequest<Result>;
}
