import zlib from 'node:zlib';
import { MemcacheDeserializeError } from '@mc/protocol';
import { FLAG_BROTLI, FLAG_COMPRESSED, FLAG_GZIP } from './flags.js';

/** zlib is what pymemcache's CompressedSerde writes; gzip and brotli are for JavaScript readers. */
export type CompressionAlgorithm = 'zlib' | 'gzip' | 'brotli';

/** The largest value a compressed entry may inflate to, unless told otherwise: a cap against zip bombs. */
export const DEFAULT_MAX_DECOMPRESSED_SIZE = 64 * 1024 * 1024;

/**
 * What a serde that does not compress (defaultSerde, pickleSerde, jsonSerde...) lets a
 * compressed value it reads (pymemcache's, another service's) inflate to: 32 times its stored
 * size or 1 MiB, whichever is more, and never above DEFAULT_MAX_DECOMPRESSED_SIZE. Real data
 * compresses 3 to 20 times; a bomb of 16 KB inflates to 16 MB, and a pickle or JSON of that
 * many empty lists takes a gigabyte of heap and seconds to decode. compressedSerde, whose
 * writes it checks against its own cap, takes `maxDecompressedSize` instead.
 */
export function foreignInflateLimit(storedBytes: number): number {
  return Math.min(DEFAULT_MAX_DECOMPRESSED_SIZE, Math.max(1024 * 1024, storedBytes * 32));
}

const ALGORITHM_FLAGS: Record<CompressionAlgorithm, number> = {
  zlib: FLAG_COMPRESSED,
  gzip: FLAG_COMPRESSED | FLAG_GZIP,
  brotli: FLAG_COMPRESSED | FLAG_BROTLI,
};

/** Every bit that says how a value is compressed; what is left describes the inner format. */
export const COMPRESSION_BITS = FLAG_COMPRESSED | FLAG_GZIP | FLAG_BROTLI;

/** Compresses, and says which flag bits record the algorithm. */
export function compress(
  bytes: Uint8Array,
  algorithm: CompressionAlgorithm,
  level: number | undefined,
): { value: Uint8Array; flags: number } {
  let value: Uint8Array;
  if (algorithm === 'brotli') {
    value = zlib.brotliCompressSync(bytes, {
      params: {
        // Quality 11, brotli's default, is far too slow for a cache on the request path.
        [zlib.constants.BROTLI_PARAM_QUALITY]: level ?? 4,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    });
  } else {
    const options = level === undefined ? {} : { level };
    value = algorithm === 'gzip' ? zlib.gzipSync(bytes, options) : zlib.deflateSync(bytes, options);
  }
  return { value, flags: ALGORITHM_FLAGS[algorithm] };
}

/**
 * Undoes `compress` when the flags say so, whatever algorithm wrote it, and returns the flags
 * the inner format was stored with. Output beyond `maxSize` is refused rather than allocated.
 */
export function decompressFlagged(
  value: Uint8Array,
  flags: number,
  maxSize = DEFAULT_MAX_DECOMPRESSED_SIZE,
): { value: Uint8Array; flags: number } {
  if ((flags & FLAG_COMPRESSED) === 0) return { value, flags };
  const algorithm = flags & (FLAG_GZIP | FLAG_BROTLI);
  const options = { maxOutputLength: maxSize };
  try {
    let inflated: Uint8Array;
    if (algorithm === 0) inflated = zlib.inflateSync(value, options);
    else if (algorithm === FLAG_GZIP) inflated = zlib.gunzipSync(value, options);
    else if (algorithm === FLAG_BROTLI) inflated = zlib.brotliDecompressSync(value, options);
    else throw new MemcacheDeserializeError(`Flags ${flags} name two compression algorithms`);
    return { value: inflated, flags: flags & ~COMPRESSION_BITS };
  } catch (error) {
    if (error instanceof MemcacheDeserializeError) throw error;
    const tooLarge = (error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE';
    throw new MemcacheDeserializeError(
      tooLarge
        ? `The value inflates beyond ${maxSize} bytes (compressedSerde's maxDecompressedSize; a serde that does not compress allows 32 times the stored size, at least 1 MiB)`
        : 'The value is flagged compressed but does not decompress',
      { cause: error },
    );
  }
}
