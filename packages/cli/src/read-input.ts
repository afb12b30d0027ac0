import { UsageError } from './usage-error.js';

/**
 * Reads a stream to its end, but no further than `limit` bytes: `memcli set key -` must not
 * hold an endless or huge standard input in memory when the server would refuse it anyway.
 * Leaving the loop early stops the stream, so the writer sees the pipe close.
 */
export async function readInput(
  stream: AsyncIterable<Uint8Array | string>,
  limit: { bytes: number; what: string },
): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk);
    total += bytes.length;
    if (total > limit.bytes) {
      throw new UsageError(
        `the value on standard input is larger than ${limit.what} (${limit.bytes} bytes); ` +
          "nothing was stored (memcached's -I raises the limit)",
      );
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
}
