export type {
  CasValue,
  DefaultValue,
  DeleteOptions,
  Entries,
  ReadValue,
  UntypedValue,
  ValueOf,
  WriteOptions,
} from './base-client.js';
export { Client, type ClientOptions } from './client.js';
export { longestTtl, RELATIVE_EXPTIME_LIMIT, toExptime } from './expiration.js';
export {
  type AuthFormat,
  type Environment,
  type EnvironmentConfig,
  fromEnvironment,
} from './from-environment.js';
export type { GetOrSetOptions } from './get-or-set.js';
export type {
  AskedFields,
  MetaArithmeticOptions,
  MetaArithmeticResult,
  MetaDeleteOptions,
  MetaDeleteResult,
  MetaGetFields,
  MetaGetOptions,
  MetaGetResult,
  MetaGetState,
  MetaKeyOptions,
  MetaSetOptions,
  MetaSetResult,
} from './meta-options.js';
export { MemcacheUnsupportedError } from './meta-unsupported-error.js';
export { type CustomHasher, HashClient, type HashClientOptions } from './hash-client.js';
export type { DiscoveryOptions } from './discovery/cluster-discovery.js';
export {
  type DiscoveryChangeMessage,
  type DiscoveryErrorMessage,
  discoveryChannels,
} from './discovery/discovery-channels.js';
export { type Hasher, KetamaHasher, murmur3_32, RendezvousHasher } from './hashers/index.js';
export {
  type ErrorClass,
  RetryingClient,
  type RetryingClientConstructor,
  type RetryingClientOptions,
} from './retrying-client.js';
export type { Stats } from './stats.js';
export { type CommandTraceMessage, commandChannels } from './tracing.js';
export {
  isMemcacheError,
  MemcacheClientError,
  MemcacheConnectionError,
  MemcacheDeserializeError,
  MemcacheError,
  MemcacheIllegalInputError,
  MemcacheProtocolError,
  MemcacheServerError,
  MemcacheTimeoutError,
  MemcacheUnexpectedCloseError,
  MemcacheUnknownCommandError,
} from '@mc/protocol';
export type { Key } from '@mc/protocol';
export {
  type InstrumentMetricsOptions,
  instrumentMetrics,
  type MeterLike,
  type MetricsInstrumentation,
} from './metrics/instrument-metrics.js';
export { LATENCY_BOUNDS_MS } from './metrics/latency-bounds.js';
export type {
  CommandMetricsSnapshot,
  LatencyHistogram,
  MetricsSnapshot,
  NodeMetricsSnapshot,
} from './metrics/metrics-snapshot.js';
export { type WriteFailure, writeFailureChannel } from './metrics/write-failure.js';
export type { CloseOptions, ServerAddress } from '@mc/transport';
export {
  type CacheValue,
  type CompressedSerdeOptions,
  type CompressionAlgorithm,
  compressedSerde,
  createPickleSerde,
  defaultSerde,
  FLAG_BYTES,
  FLAG_COMPRESSED,
  FLAG_INTEGER,
  FLAG_JSON,
  FLAG_LONG,
  FLAG_MSGPACK,
  FLAG_PICKLE,
  FLAG_STRUCTURED,
  FLAG_TEXT,
  jsonSerde,
  msgpackSerde,
  type PickleSerdeOptions,
  pickleSerde,
  type Serde,
  type SerializedValue,
  structuredSerde,
} from '@mc/serde';
