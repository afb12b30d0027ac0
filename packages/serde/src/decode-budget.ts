import { MemcacheDeserializeError } from '@mc/protocol';

/**
 * The most containers (lists, tuples, dicts, sets, objects, Maps, arrays, records) one decoded
 * value may hold, whatever its format (pickle, JSON, MessagePack).
 *
 * Byte caps alone do not bound memory: one byte of a pickle (`}`) or of MessagePack (`0x80`)
 * becomes an empty dict or map, 60 to 150 bytes of heap, and a compressed value may inflate to
 * 32 times its stored size (compressedSerde: 64 MiB). A million containers is about 150 MB of
 * heap at the worst (empty Maps, with what the pickle reader builds around them), which a
 * process survives and refuses within a second, while real cached values (a page of rows, a
 * session, a feature vector) hold thousands, rarely a hundred thousand.
 */
export const MAX_DECODED_CONTAINERS = 1_000_000;

/**
 * The most values one decoded value may hold: every number, string, container, dict key and
 * shared reference counts one (pickle memo references and DUP included, as each fills a slot).
 * 16 million slots of 8 bytes are 128 MB of arrays; a JSON array of 16 million numbers is at
 * least 32 MB of text, and real values that large are better stored as bytes.
 */
export const MAX_DECODED_ITEMS = 16_000_000;

const CONTAINERS = MAX_DECODED_CONTAINERS.toLocaleString('en-US');
const ITEMS = MAX_DECODED_ITEMS.toLocaleString('en-US');

/** The refusal of a value that builds more than MAX_DECODED_CONTAINERS containers. */
export function tooManyContainers(what: string): MemcacheDeserializeError {
  return new MemcacheDeserializeError(
    `The ${what} builds more than ${CONTAINERS} containers (MAX_DECODED_CONTAINERS); refused as a memory bomb`,
  );
}

/** The refusal of a value that holds more than MAX_DECODED_ITEMS values. */
export function tooManyItems(what: string): MemcacheDeserializeError {
  return new MemcacheDeserializeError(
    `The ${what} holds more than ${ITEMS} values (MAX_DECODED_ITEMS); refused as a memory bomb`,
  );
}

/** Why a value a serde is about to write could not be read back, for its MemcacheIllegalInputError. */
export function unreadableBudget(limit: 'containers' | 'items', format: string): string {
  return limit === 'containers'
    ? `The value holds more than ${CONTAINERS} containers (MAX_DECODED_CONTAINERS) as ${format}, so it could not be read back`
    : `The value holds more than ${ITEMS} values (MAX_DECODED_ITEMS) as ${format}, so it could not be read back`;
}
