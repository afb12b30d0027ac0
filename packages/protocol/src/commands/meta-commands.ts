import { ascii } from '../ascii.js';
import { base64Key } from '../base64-key.js';
import type { CommandDefinition } from '../command-definition.js';
import { nextQuietOpaque } from '../quiet-opaque.js';
import { type MetaReply, MetaReader, QuietMetaReader } from '../readers/meta-reader.js';
import type { Chunk, Key, MetaCode } from '../types.js';
import { validateValue } from '../validate-value.js';
import { defineCommand } from './define-command.js';
import { encodeMetaOptions } from './encode-meta-options.js';
import { CRLF, keyedLine } from './keyed-line.js';
import {
  type MetaArithmeticFlags,
  type MetaDebugFlags,
  type MetaDeleteFlags,
  type MetaGetFlags,
  type MetaSetFlags,
  metaArithmeticTable,
  metaDebugTable,
  metaDeleteTable,
  metaGetTable,
  metaSetTable,
} from './meta-flags.js';
import type { MetaOptionsOf, MetaTable } from './meta-table.js';

const MN_LINE = ascii('mn\r\n');

/** The codes a command may answer with: those its table gives a meaning. */
function codesOf(table: MetaTable): ReadonlySet<MetaCode> {
  return new Set(Object.keys(table.statuses) as MetaCode[]);
}

const GET_CODES = codesOf(metaGetTable);
const SET_CODES = codesOf(metaSetTable);
const DELETE_CODES = codesOf(metaDeleteTable);
const ARITHMETIC_CODES = codesOf(metaArithmeticTable);
const NOOP_CODES: ReadonlySet<MetaCode> = new Set(['MN']);
const DEBUG_CODES = codesOf(metaDebugTable);

/**
 * `<verb> <key>[<head>] <flags>*\r\n`, the flags written from the command's table and the key
 * base64-encoded when flag b is set.
 */
function metaLine<Table extends MetaTable>(
  verb: string,
  key: Key,
  table: Table,
  options: MetaOptionsOf<Table> & { base64?: boolean },
  head = '',
): Chunk[] {
  const tail = head + encodeMetaOptions(table, options) + CRLF;
  if (options.base64) return [verb + ' ' + base64Key(key) + tail];
  return keyedLine(verb + ' ', key, tail);
}

/**
 * A quiet request's reader can only tell its reply from the next request's by the opaque, so
 * `request()` gives quiet requests without one a short generated token (`.0`, `.1`, ...:
 * the dot keeps them apart from numeric opaques a caller may choose).
 */
function withOpaque<Options extends { quiet?: boolean; opaque?: string }>(
  options: Options | undefined,
): Options {
  if (options === undefined) return {} as Options;
  // Anything but an object (null too) is left as it is, for the encoder to refuse.
  if (typeof options !== 'object' || options === null || !options.quiet || options.opaque !== undefined)
    return options;
  return { ...options, opaque: nextQuietOpaque() };
}

function metaReader(
  command: string,
  codes: ReadonlySet<MetaCode>,
  nominal: MetaCode,
  options: { quiet?: boolean; opaque?: string },
): MetaReader {
  return options.quiet
    ? new QuietMetaReader(command, codes, nominal, options.opaque)
    : new MetaReader(command, codes, options.opaque);
}

/** `mg <key> <flags>*`: read an item's value and metadata; `EN` on a miss. */
export const metaGet = defineCommand(
  'mg',
  (key: Key, options: MetaGetFlags = {}) => metaLine('mg', key, metaGetTable, options),
  (_key, options = {}) => metaReader('mg', GET_CODES, 'EN', options),
  { prepare: (key, options?) => [key, withOpaque(options)] },
) satisfies CommandDefinition<[key: Key, options?: MetaGetFlags], MetaReply>;

/** `ms <key> <datalen> <flags>*` + data: store; `HD` stored, `NS`, `EX`, `NF` otherwise. */
export const metaSet = defineCommand(
  'ms',
  (key: Key, given: Uint8Array, options: MetaSetFlags = {}) => {
    const value = validateValue(given, 'ms');
    const chunks = metaLine('ms', key, metaSetTable, options, ' ' + value.byteLength);
    chunks.push(value, CRLF);
    return chunks;
  },
  (_key, _value, options = {}) => metaReader('ms', SET_CODES, 'HD', options),
  { prepare: (key, value, options?) => [key, value, withOpaque(options)] },
) satisfies CommandDefinition<[key: Key, value: Uint8Array, options?: MetaSetFlags], MetaReply>;

/** `md <key> <flags>*`: delete or invalidate; `HD` done, `NF`, `EX` otherwise. */
export const metaDelete = defineCommand(
  'md',
  (key: Key, options: MetaDeleteFlags = {}) => metaLine('md', key, metaDeleteTable, options),
  (_key, options = {}) => metaReader('md', DELETE_CODES, 'HD', options),
  { prepare: (key, options?) => [key, withOpaque(options)] },
) satisfies CommandDefinition<[key: Key, options?: MetaDeleteFlags], MetaReply>;

/** `ma <key> <flags>*`: incr/decr with auto-create; `HD` or `VA` done, `NF`, `NS`, `EX` otherwise. */
export const metaArithmetic = defineCommand(
  'ma',
  (key: Key, options: MetaArithmeticFlags = {}) => metaLine('ma', key, metaArithmeticTable, options),
  (_key, options = {}) => metaReader('ma', ARITHMETIC_CODES, 'HD', options),
  { prepare: (key, options?) => [key, withOpaque(options)] },
) satisfies CommandDefinition<[key: Key, options?: MetaArithmeticFlags], MetaReply>;

/** `mn`: answers `MN`; ends a batch of quiet meta commands. */
export const metaNoop = defineCommand(
  'mn',
  () => [MN_LINE],
  () => new MetaReader('mn', NOOP_CODES),
) satisfies CommandDefinition<[], MetaReply>;

/** `me <key>[ b]`: an item's internal metadata (`ME` with debug pairs), `EN` on a miss. */
export const metaDebug = defineCommand(
  'me',
  (key: Key, options: MetaDebugFlags = {}) => metaLine('me', key, metaDebugTable, options),
  () => new MetaReader('me', DEBUG_CODES),
) satisfies CommandDefinition<[key: Key, options?: MetaDebugFlags], MetaReply>;
