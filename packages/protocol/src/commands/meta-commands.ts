import { ascii } from '../ascii.js';
import { base64Key } from '../base64-key.js';
import type { CommandDefinition } from '../command-definition.js';
import { MemcacheIllegalInputError } from '../errors.js';
import { nextQuietOpaque } from '../quiet-opaque.js';
import { type MetaReply, MetaReader, QuietMetaReader } from '../readers/meta-reader.js';
import type { Chunk, Key, MetaCode } from '../types.js';
import { validateExptime } from '../validate-exptime.js';
import { validateFlags } from '../validate-flags.js';
import { validateToken } from '../validate-token.js';
import { validateUint64 } from '../validate-uint64.js';
import { defineCommand } from './define-command.js';
import { CRLF, keyedLine } from './keyed-line.js';
import type {
  MetaArithmeticFlags,
  MetaArithmeticMode,
  MetaDebugFlags,
  MetaDeleteFlags,
  MetaGetFlags,
  MetaSetFlags,
  MetaSetMode,
} from './meta-flags.js';

/** An opaque is "up to 32 bytes", per protocol.txt. */
const MAX_OPAQUE_BYTES = 32;

const MN_LINE = ascii('mn\r\n');

// The codes each command may answer with.
const GET_CODES: ReadonlySet<MetaCode> = new Set(['VA', 'HD', 'EN']);
const SET_CODES: ReadonlySet<MetaCode> = new Set(['HD', 'NS', 'EX', 'NF']);
const DELETE_CODES: ReadonlySet<MetaCode> = new Set(['HD', 'NF', 'EX']);
const ARITHMETIC_CODES: ReadonlySet<MetaCode> = new Set(['HD', 'VA', 'NF', 'NS', 'EX']);
const NOOP_CODES: ReadonlySet<MetaCode> = new Set(['MN']);
const DEBUG_CODES: ReadonlySet<MetaCode> = new Set(['ME', 'EN']);

const SET_MODES: Record<MetaSetMode, string> = {
  set: 'S',
  add: 'E',
  replace: 'R',
  append: 'A',
  prepend: 'P',
};
const ARITHMETIC_MODES: Record<MetaArithmeticMode, string> = { incr: 'I', decr: 'D' };

/** `<verb> <key><tail>`, the key base64-encoded when flag b is set. */
function metaLine(verb: string, key: Key, base64: boolean | undefined, tail: string): Chunk[] {
  if (base64) return [verb + ' ' + base64Key(key) + tail];
  return keyedLine(verb + ' ', key, tail);
}

function opaqueFlag(opaque: string | undefined): string {
  if (opaque === undefined) return '';
  validateToken(opaque, 'opaque', MAX_OPAQUE_BYTES);
  return ' O' + opaque;
}

function ttlFlag(letter: string, ttl: number | undefined, name: string): string {
  if (ttl === undefined) return '';
  validateExptime(ttl, name);
  return ' ' + letter + ttl;
}

function uint64Flag(letter: string, value: bigint | number | undefined, name: string): string {
  return value === undefined ? '' : ' ' + letter + validateUint64(value, name);
}

function modeFlag<Mode extends string>(modes: Record<Mode, string>, mode: Mode | undefined): string {
  if (mode === undefined) return '';
  if (!Object.hasOwn(modes, mode)) {
    throw new MemcacheIllegalInputError(
      `mode must be one of ${Object.keys(modes).join(', ')}, not ${String(mode)}`,
    );
  }
  return ' M' + modes[mode];
}

/**
 * A quiet request's reader can only tell its reply from the next request's by the opaque, so
 * `request()` gives quiet requests without one a short generated token (`.0`, `.1`, ...:
 * the dot keeps them apart from numeric opaques a caller may choose).
 */
function withOpaque<Options extends { quiet?: boolean; opaque?: string }>(
  options: Options | undefined,
): Options {
  if (options === undefined || !options.quiet || options.opaque !== undefined)
    return options ?? ({} as Options);
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
    : new MetaReader(command, codes);
}

/** `mg <key> <flags>*`: read an item's value and metadata; `EN` on a miss. */
export const metaGet = defineCommand(
  'mg',
  (key: Key, options: MetaGetFlags = {}) => {
    let flags = '';
    if (options.base64) flags += ' b';
    if (options.cas) flags += ' c';
    if (options.flags) flags += ' f';
    if (options.hit) flags += ' h';
    if (options.key) flags += ' k';
    if (options.lastAccess) flags += ' l';
    flags += opaqueFlag(options.opaque);
    if (options.quiet) flags += ' q';
    if (options.size) flags += ' s';
    if (options.ttl) flags += ' t';
    if (options.noBump) flags += ' u';
    if (options.value) flags += ' v';
    flags += uint64Flag('E', options.explicitCas, 'explicitCas');
    flags += ttlFlag('N', options.vivify, 'vivify');
    flags += ttlFlag('R', options.recache, 'recache');
    flags += ttlFlag('T', options.touch, 'touch');
    return metaLine('mg', key, options.base64, flags + CRLF);
  },
  (_key, options = {}) => metaReader('mg', GET_CODES, 'EN', options),
  { prepare: (key, options?) => [key, withOpaque(options)] },
) satisfies CommandDefinition<[key: Key, options?: MetaGetFlags], MetaReply>;

/** `ms <key> <datalen> <flags>*` + data: store; `HD` stored, `NS`, `EX`, `NF` otherwise. */
export const metaSet = defineCommand(
  'ms',
  (key: Key, value: Uint8Array, options: MetaSetFlags = {}) => {
    if (!(value instanceof Uint8Array)) {
      throw new MemcacheIllegalInputError(`an ms value must be a Uint8Array, not ${typeof value}`);
    }
    let flags = ' ' + value.byteLength;
    if (options.base64) flags += ' b';
    if (options.returnCas) flags += ' c';
    flags += uint64Flag('C', options.cas, 'cas');
    flags += uint64Flag('E', options.explicitCas, 'explicitCas');
    if (options.flags !== undefined) {
      validateFlags(options.flags);
      flags += ' F' + options.flags;
    }
    if (options.invalidate) flags += ' I';
    if (options.key) flags += ' k';
    flags += opaqueFlag(options.opaque);
    if (options.quiet) flags += ' q';
    flags += ttlFlag('T', options.ttl, 'ttl');
    flags += modeFlag(SET_MODES, options.mode);
    flags += ttlFlag('N', options.vivify, 'vivify');
    const chunks = metaLine('ms', key, options.base64, flags + CRLF);
    chunks.push(value, CRLF);
    return chunks;
  },
  (_key, _value, options = {}) => metaReader('ms', SET_CODES, 'HD', options),
  { prepare: (key, value, options?) => [key, value, withOpaque(options)] },
) satisfies CommandDefinition<[key: Key, value: Uint8Array, options?: MetaSetFlags], MetaReply>;

/** `md <key> <flags>*`: delete or invalidate; `HD` done, `NF`, `EX` otherwise. */
export const metaDelete = defineCommand(
  'md',
  (key: Key, options: MetaDeleteFlags = {}) => {
    let flags = '';
    if (options.base64) flags += ' b';
    flags += uint64Flag('C', options.cas, 'cas');
    if (options.invalidate) flags += ' I';
    if (options.key) flags += ' k';
    flags += opaqueFlag(options.opaque);
    if (options.quiet) flags += ' q';
    flags += ttlFlag('T', options.ttl, 'ttl');
    if (options.removeValue) flags += ' x';
    return metaLine('md', key, options.base64, flags + CRLF);
  },
  (_key, options = {}) => metaReader('md', DELETE_CODES, 'HD', options),
  { prepare: (key, options?) => [key, withOpaque(options)] },
) satisfies CommandDefinition<[key: Key, options?: MetaDeleteFlags], MetaReply>;

/** `ma <key> <flags>*`: incr/decr with auto-create; `HD` or `VA` done, `NF`, `NS`, `EX` otherwise. */
export const metaArithmetic = defineCommand(
  'ma',
  (key: Key, options: MetaArithmeticFlags = {}) => {
    let flags = '';
    if (options.base64) flags += ' b';
    flags += uint64Flag('C', options.cas, 'cas');
    flags += ttlFlag('N', options.vivify, 'vivify');
    flags += uint64Flag('J', options.initial, 'initial');
    flags += uint64Flag('D', options.delta, 'delta');
    flags += ttlFlag('T', options.ttl, 'ttl');
    flags += modeFlag(ARITHMETIC_MODES, options.mode);
    flags += opaqueFlag(options.opaque);
    if (options.quiet) flags += ' q';
    if (options.returnTtl) flags += ' t';
    if (options.returnCas) flags += ' c';
    if (options.value) flags += ' v';
    if (options.key) flags += ' k';
    return metaLine('ma', key, options.base64, flags + CRLF);
  },
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
  (key: Key, options: MetaDebugFlags = {}) =>
    metaLine('me', key, options.base64, options.base64 ? ' b\r\n' : CRLF),
  () => new MetaReader('me', DEBUG_CODES),
) satisfies CommandDefinition<[key: Key, options?: MetaDebugFlags], MetaReply>;
