import type { CommandDefinition } from '../command-definition.js';
import { NumberReader } from '../readers/number-reader.js';
import { type StatusMeaning, StatusReader } from '../readers/status-reader.js';
import type { Key } from '../types.js';
import { validateExptime } from '../validate-exptime.js';
import { validateUint64 } from '../validate-uint64.js';
import { defineCommand } from './define-command.js';
import { keyedLine, lineEnding } from './keyed-line.js';

const DELETED: StatusMeaning<boolean> = { DELETED: true, NOT_FOUND: false };
const TOUCHED: StatusMeaning<boolean> = { TOUCHED: true, NOT_FOUND: false };

/** `delete <key>[ noreply]`: DELETED → true, NOT_FOUND → false. */
export const deleteCommand = defineCommand(
  'delete',
  (key: Key, noreply: boolean) => keyedLine('delete ', key, lineEnding(noreply)),
  (_key, noreply) => (noreply ? undefined : new StatusReader('delete', DELETED)),
) satisfies CommandDefinition<[key: Key, noreply: boolean], boolean>;

function arithmetic(
  verb: 'incr' | 'decr',
): CommandDefinition<[key: Key, delta: bigint, noreply: boolean], bigint | undefined> {
  return defineCommand(
    verb,
    (key: Key, delta: bigint, noreply: boolean) =>
      keyedLine(verb + ' ', key, ' ' + validateUint64(delta, 'delta') + lineEnding(noreply)),
    (_key, _delta, noreply) => (noreply ? undefined : new NumberReader(verb)),
  );
}

/** `incr <key> <delta>`: the new value (wraps at 2^64), or undefined when the key is missing. */
export const incr = arithmetic('incr');
/** `decr <key> <delta>`: the new value (stops at 0), or undefined when the key is missing. */
export const decr = arithmetic('decr');

/** `touch <key> <exptime>`: TOUCHED → true, NOT_FOUND → false. */
export const touch = defineCommand(
  'touch',
  (key: Key, exptime: number, noreply: boolean) => {
    validateExptime(exptime);
    return keyedLine('touch ', key, ' ' + exptime + lineEnding(noreply));
  },
  (_key, _exptime, noreply) => (noreply ? undefined : new StatusReader('touch', TOUCHED)),
) satisfies CommandDefinition<[key: Key, exptime: number, noreply: boolean], boolean>;
