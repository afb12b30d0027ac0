/**
 * The flags word memcached stores beside every value, as @mc/serde fills it.
 *
 * The low five bits are pymemcache's (and python-memcached's), so a Python service reads what
 * we write and we read what it writes. Formats Python has no reader for take bits of their own
 * above those; the compression algorithm other than zlib rides in two more bits next to bit 8.
 *
 *   bit  value  meaning                         written by
 *   ---  -----  ------------------------------  ------------------------------------------
 *    -       0  raw bytes                       defaultSerde, pickleSerde (Uint8Array)
 *    0       1  pickle                          pickleSerde (anything else)
 *    1       2  integer, decimal text           defaultSerde, pickleSerde
 *    2       4  long, decimal text (Python 2)   nobody; read as integer
 *    3       8  compressed (zlib), combinable   compressedSerde
 *    4      16  text, UTF-8                     defaultSerde, pickleSerde
 *    5      32  JSON, UTF-8                     defaultSerde (everything else), jsonSerde
 *    6      64  MessagePack                     msgpackSerde
 *    7     128  V8 structured clone             structuredSerde
 *    8     256  with bit 3: gzip, not zlib      compressedSerde({ algorithm: 'gzip' })
 *    9     512  with bit 3: brotli, not zlib    compressedSerde({ algorithm: 'brotli' })
 *  10-31          yours: never read or written by a serde (SERDE_FLAG_BITS)
 *
 * Every serde of @mc/serde owns bits 0 to 9 and decodes using only those: bits 10 to 31 are
 * the application's, set with the client's `flags` write option, kept by memcached and read
 * back through `metaGet`'s `flags`, and a value carrying them decodes as if they were 0.
 */

/** Raw bytes, stored as they are. */
export const FLAG_BYTES = 0;
/** A Python pickle. */
export const FLAG_PICKLE = 1 << 0;
/** An integer as decimal ASCII text. */
export const FLAG_INTEGER = 1 << 1;
/** A Python 2 long as decimal ASCII text; read like FLAG_INTEGER. */
export const FLAG_LONG = 1 << 2;
/** The value is compressed (zlib unless FLAG_GZIP or FLAG_BROTLI is also set); combines with the others. */
export const FLAG_COMPRESSED = 1 << 3;
/** UTF-8 text. */
export const FLAG_TEXT = 1 << 4;
/** JSON text in UTF-8. */
export const FLAG_JSON = 1 << 5;
/** MessagePack, as msgpackSerde writes it. */
export const FLAG_MSGPACK = 1 << 6;
/** V8's structured-clone serialization (`node:v8`). */
export const FLAG_STRUCTURED = 1 << 7;
/** With FLAG_COMPRESSED: the compression is gzip. */
export const FLAG_GZIP = 1 << 8;
/** With FLAG_COMPRESSED: the compression is brotli. */
export const FLAG_BROTLI = 1 << 9;

/**
 * The bits @mc/serde owns (0 to 9): serdes decode using only these, so an application's own
 * bits (10 to 31) survive the round trip without making the value unreadable.
 */
export const SERDE_FLAG_BITS = 0x3ff;
