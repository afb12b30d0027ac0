import type { CommandDefinition } from '../command-definition.js';
import type { Chunk, EncodedRequest, ReplyReader } from '../types.js';

/** Extras a command may need beyond its encoder and reader. */
export interface DefineCommandOptions<Args extends readonly unknown[]> {
  /** The server closes the connection after this command (quit, shutdown). */
  closesConnection?: boolean | undefined;
  /**
   * Adjusts the arguments once before `request` encodes them and builds the reader, so both
   * see the same values (quiet meta requests get their opaque here).
   */
  prepare?: ((...args: Args) => Args) | undefined;
}

/**
 * Builds a CommandDefinition from its encoder and a reader factory. `reader` gets the same
 * arguments, so noreply variants answer `undefined` (no reply will come).
 */
export function defineCommand<Args extends readonly unknown[], Result>(
  name: string,
  encode: (...args: Args) => Chunk[],
  reader: (...args: NoInfer<Args>) => ReplyReader<Result> | undefined,
  options: DefineCommandOptions<NoInfer<Args>> = {},
): CommandDefinition<Args, Result> {
  const { closesConnection = false, prepare } = options;
  return {
    name,
    encode,
    request(...given: Args): EncodedRequest<Result> {
      const args = prepare === undefined ? given : prepare(...given);
      const request: EncodedRequest<Result> = {
        chunks: encode(...args),
        reader: reader(...args),
        command: name,
      };
      if (closesConnection) request.closesConnection = true;
      return request;
    },
  };
}
