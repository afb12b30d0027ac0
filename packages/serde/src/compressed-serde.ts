import { MemcacheIllegalInputError } from '@mc/protocol';
import {
  type CompressionAlgorithm,
  compress,
  DEFAULT_MAX_DECOMPRESSED_SIZE,
  decompressFlagged,
} from './compression.js';
import { defaultSerde } from './default-serde.js';
import { FLAG_COMPRESSED } from './flags.js';
import type { CacheValue, Serde, SerializedValue } from './serde.js';

export interface CompressedSerdeOptions {
  /** Compress only values longer than this many bytes; default 400, pymemcache's measured break-even. */
  minSize?: number | undefined;
  /** Default 'zlib', which pymemcache's CompressedSerde reads; 'gzip' and 'brotli' only JavaScript reads. */
  algorithm?: CompressionAlgorithm | undefined;
  /** Compression level: 0 to 9 for zlib and gzip (default 6), brotli quality 0 to 11 (default 4). */
  level?: number | undefined;
  /**
   * The most bytes a value may inflate to when read; default 64 MiB. Beyond it, a
   * MemcacheDeserializeError, and a longer value to compress is a MemcacheIllegalInputError.
   */
  maxDecompressedSize?: number | undefined;
}

/**
 * Wraps a serde with compression, as pymemcache's CompressedSerde does: a value longer than
 * `minSize` is compressed, and kept compressed only when that made it smaller; bit 8 of the
 * flags (FLAG_COMPRESSED) says so, and the inner serde's flags keep their meaning.
 *
 *   serialize:   inner.serialize ─► longer than minSize? ─► compress ─► smaller? ─► flags | 8
 *   deserialize: flags & 8? ─► inflate (at most maxDecompressedSize) ─► inner.deserialize(flags & ~8)
 */
export function compressedSerde<V = CacheValue>(
  inner: Serde<V> = defaultSerde as Serde<V>,
  options: CompressedSerdeOptions = {},
): Serde<V> {
  const minSize = options.minSize ?? 400;
  const algorithm = options.algorithm ?? 'zlib';
  const maxDecompressedSize = options.maxDecompressedSize ?? DEFAULT_MAX_DECOMPRESSED_SIZE;
  if (!Number.isSafeInteger(minSize) || minSize < 0) {
    throw new MemcacheIllegalInputError(`minSize must be a non-negative integer, got ${minSize}`);
  }
  if (algorithm !== 'zlib' && algorithm !== 'gzip' && algorithm !== 'brotli') {
    throw new MemcacheIllegalInputError(
      `algorithm must be 'zlib', 'gzip' or 'brotli', got ${String(algorithm)}`,
    );
  }
  if (!Number.isSafeInteger(maxDecompressedSize) || maxDecompressedSize <= 0) {
    throw new MemcacheIllegalInputError(
      `maxDecompressedSize must be a positive integer, got ${maxDecompressedSize}`,
    );
  }
  const level = options.level;
  const maxLevel = algorithm === 'brotli' ? 11 : 9;
  if (level !== undefined && (!Number.isInteger(level) || level < 0 || level > maxLevel)) {
    throw new MemcacheIllegalInputError(`level must be an integer from 0 to ${maxLevel} for ${algorithm}`);
  }
  return {
    serialize(key: string, value: V): SerializedValue {
      const plain = inner.serialize(key, value);
      if (plain.value.length <= minSize || (plain.flags & FLAG_COMPRESSED) !== 0) return plain;
      // Reading would refuse to inflate it, so it is never stored.
      if (plain.value.length > maxDecompressedSize) {
        throw new MemcacheIllegalInputError(
          `The value is ${plain.value.length} bytes, more than this serde inflates when reading (maxDecompressedSize ${maxDecompressedSize})`,
        );
      }
      const compressed = compress(plain.value, algorithm, level);
      if (compressed.value.length >= plain.value.length) return plain;
      return { value: compressed.value, flags: plain.flags | compressed.flags };
    },
    deserialize(key: string, value: Uint8Array, flags: number): V {
      const plain = decompressFlagged(value, flags, maxDecompressedSize);
      return inner.deserialize(key, plain.value, plain.flags);
    },
  };
}
