import { MemcacheIllegalInputError } from '../errors.js';
import { validateExptime } from '../validate-exptime.js';
import { validateFlags } from '../validate-flags.js';
import { validateToken } from '../validate-token.js';
import { validateUint64 } from '../validate-uint64.js';
import type { MetaOptionSpec, MetaOptionsOf, MetaTable } from './meta-table.js';

/**
 * An opaque is "up to 32 bytes" in protocol.txt, but memcached counts the flag's letter in
 * them (`O` + 31): 1.6.18 answers a 32-byte token with `CLIENT_ERROR opaque token too long`.
 */
const MAX_OPAQUE_BYTES = 31;

/**
 * The flags of a meta command line (` b c T30 ...`), written in table order. Every option is
 * checked against its kind at this boundary, so a wrong type (`quiet: 'false'`, `ttl: '30'`)
 * is a MemcacheIllegalInputError rather than a flag that means something else. Options the
 * table does not know are ignored.
 */
export function encodeMetaOptions<Table extends MetaTable>(
  table: Table,
  options: MetaOptionsOf<Table>,
): string {
  if (options === null || typeof options !== 'object') {
    throw new MemcacheIllegalInputError(`meta options must be an object, not ${String(options)}`);
  }
  const given = options as Record<string, unknown>;
  let line = '';
  for (const name in table.options) {
    const value = given[name];
    if (value === undefined) continue;
    line += encodeOption(name, table.options[name]!, value);
  }
  return line;
}

function encodeOption(name: string, spec: MetaOptionSpec, value: unknown): string {
  switch (spec.kind) {
    case 'flag':
      if (typeof value !== 'boolean') {
        throw new MemcacheIllegalInputError(`${name} must be true or false, not ${describe(value)}`);
      }
      return value ? ' ' + spec.letter : '';
    case 'ttl':
      validateExptime(value as number, name);
      return ' ' + spec.letter + value;
    case 'uint64':
      return ' ' + spec.letter + validateUint64(value as bigint | number, name);
    case 'uint32':
      validateFlags(value as number);
      return ' ' + spec.letter + value;
    case 'opaque':
      validateToken(value as string, name, MAX_OPAQUE_BYTES);
      return ' ' + spec.letter + value;
    case 'mode': {
      const modes = spec.modes!;
      if (typeof value !== 'string' || !Object.hasOwn(modes, value)) {
        throw new MemcacheIllegalInputError(
          `${name} must be one of ${Object.keys(modes).join(', ')}, not ${describe(value)}`,
        );
      }
      return ' ' + spec.letter + modes[value];
    }
  }
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
