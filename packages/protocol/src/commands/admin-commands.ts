import { ascii } from '../ascii.js';
import type { CommandDefinition } from '../command-definition.js';
import { MemcacheIllegalInputError } from '../errors.js';
import { StatsReader } from '../readers/stats-reader.js';
import { type StatusMeaning, StatusReader } from '../readers/status-reader.js';
import { VersionReader } from '../readers/version-reader.js';
import { validateExptime } from '../validate-exptime.js';
import { validateToken } from '../validate-token.js';
import { defineCommand } from './define-command.js';
import { CRLF, lineEnding } from './keyed-line.js';

// Fixed requests, built once.
const STATS_LINE = ascii('stats\r\n');
const VERSION_LINE = ascii('version\r\n');
const QUIT_LINE = ascii('quit\r\n');
const SHUTDOWN_LINE = ascii('shutdown\r\n');
const SHUTDOWN_GRACEFUL_LINE = ascii('shutdown graceful\r\n');

const OK: StatusMeaning<void> = { OK: undefined };
/** shutdown succeeds by closing the connection; any reply is an error line. */
const NOTHING: StatusMeaning<void> = {};

function validateCount(value: number, name: string, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new MemcacheIllegalInputError(
      `${name} must be an integer from ${min} to ${max}, not ${String(value)}`,
    );
  }
}

/** `stats[ <args>]`: the STAT lines as a Map (empty for `stats reset` and `stats detail on|off`). */
export const stats = defineCommand(
  'stats',
  (args: readonly string[] = []) => {
    // A string would otherwise be walked letter by letter (`stats i t e m s`).
    if (!Array.isArray(args)) {
      throw new MemcacheIllegalInputError(`stats arguments must be an array of strings, not ${String(args)}`);
    }
    if (args.length === 0) return [STATS_LINE];
    let line = 'stats';
    for (const arg of args) {
      validateToken(arg, 'stats argument');
      line += ' ' + arg;
    }
    return [line + CRLF];
  },
  () => new StatsReader(),
) satisfies CommandDefinition<[args?: readonly string[]], Map<string, string>>;

/** `flush_all[ <delay>][ noreply]`: invalidate every item, now or after `delay` seconds. */
export const flushAll = defineCommand(
  'flush_all',
  (delay: number | undefined, noreply: boolean) => {
    if (delay === undefined) return ['flush_all' + lineEnding(noreply)];
    validateExptime(delay, 'delay');
    if (delay < 0) throw new MemcacheIllegalInputError(`delay must not be negative, not ${delay}`);
    return ['flush_all ' + delay + lineEnding(noreply)];
  },
  (_delay, noreply) => (noreply ? undefined : new StatusReader('flush_all', OK)),
) satisfies CommandDefinition<[delay: number | undefined, noreply: boolean], void>;

/** `version`: the server's version string, e.g. "1.6.18". */
export const version = defineCommand(
  'version',
  () => [VERSION_LINE],
  () => new VersionReader('version'),
) satisfies CommandDefinition<[], string>;

/** `verbosity <level>[ noreply]`: the server's logging level. */
export const verbosity = defineCommand(
  'verbosity',
  (level: number, noreply: boolean) => {
    validateCount(level, 'verbosity level', 0, 0xffffffff);
    return ['verbosity ' + level + lineEnding(noreply)];
  },
  (_level, noreply) => (noreply ? undefined : new StatusReader('verbosity', OK)),
) satisfies CommandDefinition<[level: number, noreply: boolean], void>;

/** `cache_memlimit <megabytes>[ noreply]`: resize the cache; memcached refuses less than 8 MB. */
export const cacheMemlimit = defineCommand(
  'cache_memlimit',
  (megabytes: number, noreply: boolean) => {
    // Below 8 the server answers MEMLIMIT_TOO_SMALL; above 1e9 it assumes bytes were meant.
    validateCount(megabytes, 'cache_memlimit megabytes', 8, 1_000_000_000);
    return ['cache_memlimit ' + megabytes + lineEnding(noreply)];
  },
  (_megabytes, noreply) => (noreply ? undefined : new StatusReader('cache_memlimit', OK)),
) satisfies CommandDefinition<[megabytes: number, noreply: boolean], void>;

/**
 * `shutdown[ graceful]`: stops the server (it must run with `-A`). Success is the server
 * closing the connection; a refusal is an error line.
 */
export const shutdown = defineCommand(
  'shutdown',
  (graceful: boolean) => {
    if (typeof graceful !== 'boolean') {
      throw new MemcacheIllegalInputError(`graceful must be true or false, not ${String(graceful)}`);
    }
    return [graceful ? SHUTDOWN_GRACEFUL_LINE : SHUTDOWN_LINE];
  },
  () => new StatusReader('shutdown', NOTHING),
  { closesConnection: true },
) satisfies CommandDefinition<[graceful: boolean], void>;

/** `quit`: the server closes the connection after earlier replies; nothing answers it. */
export const quit = defineCommand<[], void>(
  'quit',
  () => [QUIT_LINE],
  () => undefined,
  { closesConnection: true },
) satisfies CommandDefinition<[], void>;
