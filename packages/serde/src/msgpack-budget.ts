import { MAX_DECODED_CONTAINERS, MAX_DECODED_ITEMS } from './decode-budget.js';

/**
 * A MessagePack value of this many bytes or fewer cannot break MAX_DECODED_CONTAINERS or
 * MAX_DECODED_ITEMS: each value msgpackr builds starts at a byte of its own (an empty map is the
 * one byte 0x80), and the few extensions that build more than one value take several bytes.
 */
const COUNTS_FROM = Math.min(MAX_DECODED_CONTAINERS, MAX_DECODED_ITEMS);

// Extension types msgpackr decodes into a container, or into more than one value.
const EXT_SET = 0x73; // a Set, of the array that follows
const EXT_ERROR = 0x65; // an Error, of the array that follows
const EXT_ID = 0x69; // a placeholder for the value that follows (structured clones)
const EXT_BUNDLE = 0x62; // two bundled strings, read elsewhere in the input
const EXT_RECORD = 0x72; // a record definition (msgpackr's records): an object of the keys that follow

/**
 * Which limit a MessagePack value breaks when msgpackr decodes it, found without building
 * anything: 'containers' (MAX_DECODED_CONTAINERS), 'items' (MAX_DECODED_ITEMS), or 'records'
 * for msgpackr's two-byte record ids, whose references this walk cannot follow. Inputs of up to
 * COUNTS_FROM bytes break nothing and are not walked.
 *
 * The walk goes token by token to the end of the input, skipping every payload by its length,
 * as msgpackr reads it; each token is one value, and arrays, maps, records and the extensions
 * that build a Set, an Error or a placeholder are containers. It does not follow the structure
 * (announced lengths): a prefix extension (a Set is a one-byte tag, then its array) reads the
 * value after it, and msgpackr never decodes beyond the end of its one value, so counting every
 * token bounds what it builds. A token whose payload runs past the end stops the walk: msgpackr
 * refuses the input there, having built only what came before it.
 *
 * msgpackSerde writes plain maps (no records), but reads msgpackr's one-byte records (its
 * default): once a record is defined, bytes 0x40 to 0x7f naming a defined record count as
 * containers.
 */
export function msgpackBreaksBudget(bytes: Uint8Array): 'containers' | 'items' | 'records' | undefined {
  const length = bytes.length;
  if (length <= COUNTS_FROM) return undefined;
  let containers = MAX_DECODED_CONTAINERS;
  let items = MAX_DECODED_ITEMS;
  /** Record ids (0 to 63) defined so far, once any is. */
  let records: Uint8Array | undefined;
  let position = 0;
  while (position < length) {
    const token = bytes[position++]!;
    if (--items < 0) return 'items';
    let skip = 0;
    let ext = -1;
    if (token < 0x80) {
      // positive fixint, or a reference to a record
      if (token < 0x40 || records === undefined || records[token & 0x3f] === 0) continue;
      if (--containers < 0) return 'containers';
      continue;
    }
    if (token < 0xa0) {
      // fixmap, fixarray
      if (--containers < 0) return 'containers';
      continue;
    }
    if (token < 0xc0) {
      position += token - 0xa0; // fixstr
      continue;
    }
    if (token >= 0xe0) continue; // negative fixint
    switch (token) {
      case 0xc0: // nil
      case 0xc1: // never used (msgpackr: a bundled string, whose length follows as a value)
      case 0xc2: // false
      case 0xc3: // true
        continue;
      case 0xc4: // bin 8
      case 0xd9: // str 8
        if (position + 1 > length) return undefined;
        skip = 1 + bytes[position]!;
        break;
      case 0xc5: // bin 16
      case 0xda: // str 16
        if (position + 2 > length) return undefined;
        skip = 2 + uint16(bytes, position);
        break;
      case 0xc6: // bin 32
      case 0xdb: // str 32
        if (position + 4 > length) return undefined;
        skip = 4 + uint32(bytes, position);
        break;
      case 0xc7: // ext 8: length, type, data
        if (position + 2 > length) return undefined;
        ext = bytes[position + 1]!;
        skip = 2 + bytes[position]!;
        break;
      case 0xc8: // ext 16
        if (position + 3 > length) return undefined;
        ext = bytes[position + 2]!;
        skip = 3 + uint16(bytes, position);
        break;
      case 0xc9: // ext 32
        if (position + 5 > length) return undefined;
        ext = bytes[position + 4]!;
        skip = 5 + uint32(bytes, position);
        break;
      case 0xcc: // uint 8
      case 0xd0: // int 8
        skip = 1;
        break;
      case 0xcd: // uint 16
      case 0xd1: // int 16
        skip = 2;
        break;
      case 0xca: // float 32
      case 0xce: // uint 32
      case 0xd2: // int 32
        skip = 4;
        break;
      case 0xcb: // float 64
      case 0xcf: // uint 64
      case 0xd3: // int 64
        skip = 8;
        break;
      case 0xd4: // fixext 1: type, one byte
        if (position + 2 > length) return undefined;
        ext = bytes[position]!;
        if (ext === EXT_RECORD) {
          records ??= new Uint8Array(64);
          records[bytes[position + 1]! & 0x3f] = 1;
        }
        skip = 2;
        break;
      case 0xd5: // fixext 2
        if (position + 1 > length) return undefined;
        ext = bytes[position]!;
        if (ext === EXT_RECORD) return 'records';
        skip = 3;
        break;
      case 0xd6: // fixext 4
        ext = bytes[position] ?? -1;
        skip = 5;
        break;
      case 0xd7: // fixext 8
        ext = bytes[position] ?? -1;
        skip = 9;
        break;
      case 0xd8: // fixext 16
        ext = bytes[position] ?? -1;
        skip = 17;
        break;
      case 0xdc: // array 16
      case 0xde: // map 16
        if (--containers < 0) return 'containers';
        skip = 2;
        break;
      case 0xdd: // array 32
      case 0xdf: // map 32
        if (--containers < 0) return 'containers';
        skip = 4;
        break;
    }
    if (ext === EXT_SET || ext === EXT_ERROR || ext === EXT_ID || ext === EXT_RECORD) {
      if (--containers < 0) return 'containers';
    } else if (ext === EXT_BUNDLE) {
      items -= 2;
      if (items < 0) return 'items';
    }
    position += skip;
  }
  return undefined;
}

function uint16(bytes: Uint8Array, at: number): number {
  return (bytes[at]! << 8) | bytes[at + 1]!;
}

function uint32(bytes: Uint8Array, at: number): number {
  return bytes[at]! * 0x1000000 + ((bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!);
}
