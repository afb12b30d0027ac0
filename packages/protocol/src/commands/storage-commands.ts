import type { CommandDefinition } from '../command-definition.js';
import { type StatusMeaning, StatusReader } from '../readers/status-reader.js';
import type { Chunk, EncodedRequest, Key } from '../types.js';
import { validateExptime } from '../validate-exptime.js';
import { validateFlags } from '../validate-flags.js';
import { validateKey } from '../validate-key.js';
import { validateUint64 } from '../validate-uint64.js';
import { validateTextValue } from '../validate-text-value.js';
import { validateValue } from '../validate-value.js';
import { defineCommand } from './define-command.js';
import { CRLF, lineEnding } from './keyed-line.js';

/**
 * Arguments of set, add, replace, append and prepend. A string value is sent as its UTF-8
 * (see validateTextValue): a writer that gathers text, as the transport's write batch does,
 * then encodes it once, with the header around it, instead of once into bytes and again
 * into the batch.
 */
export type StorageArgs = [
  key: Key,
  value: Uint8Array | string,
  flags: number,
  exptime: number,
  noreply: boolean,
];

/** Arguments of cas. */
export type CasArgs = [
  key: Key,
  value: Uint8Array | string,
  flags: number,
  exptime: number,
  cas: bigint,
  noreply: boolean,
];

/** What `cas` resolves to. */
export type CasResult = 'stored' | 'exists' | 'not_found';

const STORED: StatusMeaning<boolean> = { STORED: true, NOT_STORED: false };
const CAS: StatusMeaning<CasResult> = { STORED: 'stored', EXISTS: 'exists', NOT_FOUND: 'not_found' };

/**
 *   "<verb> <key> <flags> <exptime> <bytes>[ <cas>][ noreply]\r\n" <value> "\r\n"
 *
 * The value is its own chunk, handed to the socket as it is; the length in the header is its
 * length now (see validateValue), or for text the length of its UTF-8 (validateTextValue).
 */
function encodeStorage(
  verb: string,
  head: string,
  key: Key,
  given: Uint8Array | string,
  flags: number,
  exptime: number,
  cas: bigint | undefined,
  noreply: boolean,
): Chunk[] {
  validateFlags(flags);
  validateExptime(exptime);
  let value: Uint8Array | string;
  let length: number;
  if (typeof given === 'string') {
    value = given;
    length = validateTextValue(given, verb);
  } else {
    value = validateValue(given, verb);
    length = value.byteLength;
  }
  const ending = lineEnding(noreply);
  const checked = validateKey(key);
  // The header is joined from as few pieces as possible: the ` <flags> <exptime> ` middle is
  // the same for most writes, so the last one is kept rather than built again.
  const middle = flags === lastFlags && exptime === lastExptime ? lastMiddle : middleOf(flags, exptime);
  // So is the ` <bytes>\r\n` tail, for values of one size (no number turned into text).
  const tail =
    cas !== undefined
      ? `${length} ${cas}${ending}`
      : length === lastLength && ending === lastEnding
        ? lastTail
        : tailOf(length, ending);
  if (typeof checked !== 'string') return [head, checked, middle + tail, value, CRLF];
  const header = head + checked + middle + tail;
  // A short text value travels with its header as one string: one chunk for the writer to add.
  if (typeof value === 'string' && value.length <= JOINED_TEXT_UNITS) return [header + value + CRLF];
  return [header, value, CRLF];
}

/** Text values up to this many UTF-16 units are joined to their header (see encodeStorage). */
const JOINED_TEXT_UNITS = 4096;

let lastLength = 0;
let lastEnding = CRLF;
let lastTail = `0${CRLF}`;

/** ` <bytes><line end>` without the space, remembered for the next header. */
function tailOf(length: number, ending: string): string {
  lastLength = length;
  lastEnding = ending;
  lastTail = length + ending;
  return lastTail;
}

let lastFlags = 0;
let lastExptime = 0;
let lastMiddle = ' 0 0 ';

/** ` <flags> <exptime> `, remembered for the next header. */
function middleOf(flags: number, exptime: number): string {
  lastFlags = flags;
  lastExptime = exptime;
  lastMiddle = ` ${flags} ${exptime} `;
  return lastMiddle;
}

function storageCommand(verb: string): CommandDefinition<StorageArgs, boolean> {
  const head = `${verb} `;
  const encode = (key: Key, value: Uint8Array | string, flags: number, exptime: number, noreply: boolean) =>
    encodeStorage(verb, head, key, value, flags, exptime, undefined, noreply);
  // `request` spelled out with its five arguments instead of defineCommand's rest and spread:
  // the hottest write then builds no argument lists (callgrind: about 4% of a concurrent set).
  return {
    name: verb,
    encode,
    request(key, value, flags, exptime, noreply): EncodedRequest<boolean> {
      return {
        chunks: encodeStorage(verb, head, key, value, flags, exptime, undefined, noreply),
        reader: noreply ? undefined : new StatusReader(verb, STORED),
        command: verb,
      };
    },
  };
}

/** `set`: store. STORED → true. */
export const set = storageCommand('set') satisfies CommandDefinition<StorageArgs, boolean>;
/** `add`: store only if the key is absent. NOT_STORED → false. */
export const add = storageCommand('add') satisfies CommandDefinition<StorageArgs, boolean>;
/** `replace`: store only if the key exists. */
export const replace = storageCommand('replace') satisfies CommandDefinition<StorageArgs, boolean>;
/** `append`: add bytes after an existing value (flags and exptime are ignored by the server). */
export const append = storageCommand('append') satisfies CommandDefinition<StorageArgs, boolean>;
/** `prepend`: add bytes before an existing value. */
export const prepend = storageCommand('prepend') satisfies CommandDefinition<StorageArgs, boolean>;

/** `cas`: store only if the item still has this cas unique. */
export const cas = defineCommand(
  'cas',
  (
    key: Key,
    value: Uint8Array | string,
    flags: number,
    exptime: number,
    casUnique: bigint,
    noreply: boolean,
  ) => encodeStorage('cas', 'cas ', key, value, flags, exptime, validateUint64(casUnique, 'cas'), noreply),
  (_key, _value, _flags, _exptime, _cas, noreply) => (noreply ? undefined : new StatusReader('cas', CAS)),
) satisfies CommandDefinition<CasArgs, CasResult>;
