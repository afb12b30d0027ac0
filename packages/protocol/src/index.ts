export { base64Key } from './base64-key.js';
export type { CommandDefinition } from './command-definition.js';
export { commands } from './commands.js';
export {
  cacheMemlimit,
  flushAll,
  quit,
  shutdown,
  stats,
  verbosity,
  version,
} from './commands/admin-commands.js';
export { CRLF } from './commands/keyed-line.js';
export { decr, deleteCommand, incr, touch } from './commands/key-commands.js';
export {
  metaArithmetic,
  metaDebug,
  metaDelete,
  metaGet,
  metaNoop,
  metaSet,
} from './commands/meta-commands.js';
export { encodeMetaOptions } from './commands/encode-meta-options.js';
export {
  type MetaArithmeticFlags,
  type MetaArithmeticMode,
  type MetaDebugFlags,
  type MetaDeleteFlags,
  type MetaGetFlags,
  type MetaSetFlags,
  type MetaSetMode,
  metaArithmeticModes,
  metaArithmeticTable,
  metaDebugTable,
  metaDeleteTable,
  metaGetTable,
  metaSetModes,
  metaSetTable,
} from './commands/meta-flags.js';
export type {
  MetaFieldKind,
  MetaFieldsOf,
  MetaOptionKind,
  MetaOptionSpec,
  MetaOptionsOf,
  MetaStatusOf,
  MetaTable,
} from './commands/meta-table.js';
export { checkedGetLine, checkedGetRequest } from './commands/checked-get-request.js';
export {
  gat,
  gats,
  get,
  gets,
  MAX_UNSPLIT_LINE_BYTES,
  retrieveFrames,
} from './commands/retrieval-commands.js';
export {
  add,
  append,
  type CasArgs,
  type CasResult,
  cas,
  prepend,
  replace,
  type StorageArgs,
  set,
} from './commands/storage-commands.js';
export {
  type AnyConstructor,
  isMemcacheError,
  MemcacheClientError,
  MemcacheConnectionError,
  MemcacheDeserializeError,
  type MemcacheDeserializeErrorOptions,
  MemcacheError,
  type MemcacheErrorOptions,
  MemcacheIllegalInputError,
  MemcacheProtocolError,
  MemcacheServerError,
  MemcacheTimeoutError,
  MemcacheUnexpectedCloseError,
  MemcacheUnknownCommandError,
} from './errors.js';
export { nextQuietOpaque } from './quiet-opaque.js';
export type { MetaReply } from './readers/meta-reader.js';
export { type QuietMember, type QuietOutcome, QuietRunReader } from './readers/quiet-run-reader.js';
export { RetrievalReader, type RetrievedValue } from './readers/retrieval-reader.js';
export {
  type OnHit,
  type RetrievedFrames,
  RetrievedFramesReader,
  type ValueFrameLike,
} from './readers/retrieved-frames-reader.js';
export { decodeUtf8 } from './decode-utf8.js';
export { ValueFrame } from './value-frame.js';
export { type ResponseCode, responseCodes } from './response-codes.js';
export { DEFAULT_MAX_VALUE_BYTES, MEMCACHED_ITEM_LIMIT } from './item-limits.js';
export { MAX_UINT64_DIGITS, parseUint64 } from './parse-uint64.js';
export { MAX_STATS_BYTES, MAX_STATS_LINES } from './readers/stats-reader.js';
export { metaStatus } from './meta-status.js';
export { readMetaFields } from './read-meta-fields.js';
export { ResponseParser, type ResponseParserOptions } from './response-parser.js';
export { uint64Reply } from './uint64-reply.js';
export type { Chunk, EncodedRequest, Frame, Key, MetaCode, ReplyReader, StatusWord } from './types.js';
export { validateExptime } from './validate-exptime.js';
export { validateFlags } from './validate-flags.js';
export { keyByteLength, MAX_KEY_BYTES, ownKey, validateKey } from './validate-key.js';
export { validateToken } from './validate-token.js';
export { validateUint64 } from './validate-uint64.js';
export { validateTextValue } from './validate-text-value.js';
export { validateValue } from './validate-value.js';
