export {
  isMemcacheError,
  MemcacheClientError,
  MemcacheConnectionError,
  MemcacheDeserializeError,
  MemcacheError,
  type MemcacheErrorOptions,
  MemcacheIllegalInputError,
  MemcacheProtocolError,
  MemcacheServerError,
  MemcacheTimeoutError,
  MemcacheUnexpectedCloseError,
  MemcacheUnknownCommandError,
} from './errors.js';
export type { Chunk, EncodedRequest, Frame, Key, MetaCode, ReplyReader, StatusWord } from './types.js';
