import type { CommandDefinition } from '../command-definition.js';
import type { Chunk, EncodedRequest, ReplyReader } from '../types.js';

/**
 * Builds a CommandDefinition from its encoder and a reader factory. `reader` gets the same
 * arguments, so noreply variants answer `undefined` (no reply will come).
 */
export function defineCommand<Args extends readonly unknown[], Result>(
  name: string,
  encode: (...args: Args) => Chunk[],
  reader: (...args: NoInfer<Args>) => ReplyReader<Result> | undefined,
  closesConnection = false,
): CommandDefinition<Args, Result> {
  return {
    name,
    encode,
    request(...args: Args): EncodedRequest<Result> {
      const request: EncodedRequest<Result> = { chunks: encode(...args), reader: reader(...args) };
      if (closesConnection) request.closesConnection = true;
      return request;
    },
  };
}
