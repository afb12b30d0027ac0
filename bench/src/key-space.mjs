/** Keys read and written by the small-value workloads (each client gets its own copy). */
export const SMALL_KEYS = 1000;
/** Keys per multi-get call. */
export const BATCH_SIZE = 100;
/** Keys holding large values. */
export const LARGE_KEYS = 8;
export const SMALL_VALUE_BYTES = 100;
/** 1 MB (decimal), under the 1 MiB value limit several peers enforce by default. */
export const LARGE_VALUE_BYTES = 1_000_000;

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/**
 * Every key has its own value (its index is written into it), so a client that answers with the
 * wrong key's value, a truncated value or a re-encoded one fails verification instead of winning.
 * Values are ASCII strings: the one value type all five clients accept.
 */
function makeValue(index, size) {
  const head = `#${index}#`;
  const shift = index % ALPHABET.length;
  const pattern = ALPHABET.slice(shift) + ALPHABET.slice(0, shift);
  const text = head + pattern.repeat(Math.ceil(size / pattern.length));
  const string = text.slice(0, size);
  return { string, buffer: Buffer.from(string) };
}

const smallValues = Array.from({ length: SMALL_KEYS }, (_, index) => makeValue(index, SMALL_VALUE_BYTES));
const largeValues = Array.from({ length: LARGE_KEYS }, (_, index) => makeValue(index, LARGE_VALUE_BYTES));

/**
 * Builds one client's keys and the values they must hold. Keys are made up front so that no
 * string building happens inside a measured loop.
 */
export function makeKeySpace(clientId) {
  const small = Array.from({ length: SMALL_KEYS }, (_, index) => `bench:${clientId}:${index}`);
  const large = Array.from({ length: LARGE_KEYS }, (_, index) => `bench:${clientId}:large:${index}`);
  const batches = Array.from({ length: SMALL_KEYS / BATCH_SIZE }, (_, batch) =>
    small.slice(batch * BATCH_SIZE, (batch + 1) * BATCH_SIZE),
  );
  return { small, large, batches, smallValues, largeValues };
}

/**
 * What a large-value workload writes: 1 MB blobs are bytes in real use (images, compressed
 * payloads), so binary-safe clients store and read bytes and nobody pays for building a 1 MB
 * string; clients that corrupt bytes get the ASCII string instead.
 */
export function largeValue(client, value) {
  return client.binarySafe ? value.buffer : value.string;
}

/** True when a client's answer holds exactly the expected bytes, whether it gave a string or bytes. */
export function sameValue(actual, expected) {
  if (typeof actual === 'string') return actual === expected.string;
  if (actual instanceof Uint8Array) return expected.buffer.equals(actual);
  return false;
}
