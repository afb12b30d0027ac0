export { type CompressedSerdeOptions, compressedSerde } from './compressed-serde.js';
export { type CompressionAlgorithm, DEFAULT_MAX_DECOMPRESSED_SIZE } from './compression.js';
export { MAX_DECODED_CONTAINERS, MAX_DECODED_ITEMS } from './decode-budget.js';
export { defaultSerde } from './default-serde.js';
export { deserializeFrame } from './deserialize-frame.js';
export {
  FLAG_BROTLI,
  FLAG_BYTES,
  FLAG_COMPRESSED,
  FLAG_GZIP,
  FLAG_INTEGER,
  FLAG_JSON,
  FLAG_LONG,
  FLAG_MSGPACK,
  FLAG_PICKLE,
  FLAG_STRUCTURED,
  FLAG_TEXT,
  SERDE_FLAG_BITS,
} from './flags.js';
export { MAX_INTEGER_DIGITS } from './integer-text.js';
export { jsonSerde } from './json-serde.js';
export { MAX_JSON_DEPTH } from './json-text.js';
export { msgpackSerde } from './msgpack-serde.js';
export { type PickleProtocol, pickleDumps } from './pickle-dumps.js';
export { type PickleValue, pickleLoads } from './pickle-loads.js';
export { HIGHEST_PICKLE_PROTOCOL, MAX_PICKLE_LONG_BYTES } from './pickle-opcodes.js';
export { createPickleSerde, type PickleSerdeOptions, pickleSerde } from './pickle-serde.js';
export type { CacheValue, Serde, SerializedValue } from './serde.js';
export { structuredSerde } from './structured-serde.js';
export { textFlags } from './text-fast-paths.js';
