import { parseArgs } from 'node:util';
import { UsageError } from './usage-error.js';

/** The command line, checked: which command, its arguments, and the options. */
export interface CommandLine {
  command: string | undefined;
  args: string[];
  servers: string[];
  prefix: string | undefined;
  timeout: number;
  ttl: number | undefined;
  count: number;
  size: number;
  json: boolean;
  /** Values as the bytes stored, whatever their flags (no serde). */
  raw: boolean;
  help: boolean;
  /** With `top`: milliseconds between frames. */
  interval: number;
  /** With `top`: frames before exiting; undefined until q, Ctrl-C or SIGTERM. */
  refreshes: number | undefined;
  /** TLS as asked on the command line (any `--tls-*` option implies `--tls`); files unread. */
  tls: TlsChoice | undefined;
}

/** The `--tls*` options: file paths as given, read later by tlsOptions(). */
export interface TlsChoice {
  ca: string | undefined;
  cert: string | undefined;
  key: string | undefined;
  servername: string | undefined;
  insecure: boolean;
}

const DEFAULT_SERVER = '127.0.0.1:11211';

function wholeNumber(text: string | undefined, name: string, minimum: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^-?\d+$/.test(text) || Number(text) < minimum || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(
      `--${name} takes a whole number${minimum > 0 ? ` of at least ${minimum}` : ''}, got "${text}"`,
    );
  }
  return Number(text);
}

/** Reads argv with node:util's parseArgs; anything it cannot make sense of is a UsageError. */
export function parseCommandLine(argv: string[], env: Record<string, string | undefined>): CommandLine {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const fromEnv = (env.MEMCACHED_SERVERS ?? '')
    .split(',')
    .map((server) => server.trim())
    .filter((server) => server !== '');
  const servers = values.server && values.server.length > 0 ? values.server : fromEnv;
  return {
    command: positionals[0],
    args: positionals.slice(1),
    servers: servers.length > 0 ? servers : [DEFAULT_SERVER],
    prefix: values.prefix,
    timeout: wholeNumber(values.timeout, 'timeout', 1) ?? 5_000,
    ttl: wholeNumber(values.ttl, 'ttl', Number.MIN_SAFE_INTEGER),
    count: wholeNumber(values.count, 'count', 1) ?? 10_000,
    size: wholeNumber(values.size, 'size', 0) ?? 100,
    json: values.json ?? false,
    raw: values.raw ?? false,
    help: values.help ?? false,
    interval: wholeNumber(values.interval, 'interval', 100) ?? 1_000,
    refreshes: wholeNumber(values.refreshes, 'refreshes', 1),
    tls: tlsChoice(values),
  };
}

function tlsChoice(values: ReturnType<typeof parse>['values']): TlsChoice | undefined {
  const choice: TlsChoice = {
    ca: values['tls-ca'],
    cert: values['tls-cert'],
    key: values['tls-key'],
    servername: values['tls-servername'],
    insecure: values['tls-insecure'] ?? false,
  };
  const asked = Object.values(choice).some((value) => value !== undefined && value !== false);
  if (!asked && !values.tls) return undefined;
  if ((choice.cert === undefined) !== (choice.key === undefined))
    throw new UsageError('--tls-cert and --tls-key go together: a client certificate needs its key');
  return choice;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      server: { type: 'string', short: 's', multiple: true },
      prefix: { type: 'string', short: 'p' },
      timeout: { type: 'string', short: 't' },
      ttl: { type: 'string' },
      count: { type: 'string' },
      size: { type: 'string' },
      json: { type: 'boolean', short: 'j' },
      raw: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      interval: { type: 'string' },
      refreshes: { type: 'string' },
      tls: { type: 'boolean' },
      'tls-ca': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'tls-servername': { type: 'string' },
      'tls-insecure': { type: 'boolean' },
    },
  });
}
