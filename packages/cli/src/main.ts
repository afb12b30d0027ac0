import { printable } from './printable.js';
import { type Client, HashClient, type Stats } from '@mc/client';
import { bench } from './bench.js';
import { connectionHint } from './connection-hint.js';
import { type ExitCode, exitCodes } from './exit-codes.js';
import { exitCodeFor } from './exit-code-for.js';
import { formatValue, parseJson, toJson } from './format-value.js';
import { itemSizeLimit } from './item-size-limit.js';
import { type CliClient, openClient } from './open-client.js';
import { type CommandLine, parseCommandLine } from './parse-command-line.js';
import { readInput } from './read-input.js';
import { tlsOptions } from './tls-options.js';
import { top } from './top.js';
import { usage } from './usage.js';
import { UsageError } from './usage-error.js';
import { watchQuitKeys } from './watch-quit-keys.js';

/** Where `memcli` reads and writes: the process's streams in bin.ts, buffers in tests. */
export interface CliIo {
  stdout: { write(chunk: string | Uint8Array): unknown };
  stderr: { write(chunk: string | Uint8Array): unknown };
  stdin: AsyncIterable<Uint8Array | string>;
  env: Record<string, string | undefined>;
}

type Command = (client: CliClient, line: CommandLine, io: CliIo) => Promise<ExitCode>;

/** How many positional arguments each command takes: [least, most]. */
const ARITY: Record<string, [number, number]> = {
  get: [1, 1],
  set: [2, 2],
  delete: [1, 1],
  stats: [0, 1],
  flush: [0, 1],
  version: [0, 0],
  bench: [0, 0],
  top: [0, 0],
};

const commands: Record<string, Command> = {
  async top(_client, line, io) {
    // A frame waits for the servers only until the next is due, so no request needs to outlive
    // an interval: a server that cannot connect and answer within one shows as unreachable.
    const timeout = Math.min(line.timeout, line.interval);
    const controller = new AbortController();
    const screen = (io.stdout as { isTTY?: boolean }).isTTY === true;
    const stopWatching = watchQuitKeys(screen ? io.stdin : undefined, () => controller.abort());
    try {
      await top(
        {
          servers: line.servers,
          interval: line.interval,
          refreshes: line.refreshes,
          client: {
            timeout,
            connectTimeout: timeout,
            ...(line.tls === undefined ? {} : { tls: tlsOptions(line.tls) }),
          },
          screen,
          signal: controller.signal,
        },
        io.stdout,
      );
    } finally {
      stopWatching();
    }
    return exitCodes.ok;
  },

  async get(client, line, io) {
    const value = await client.get(line.args[0]!);
    if (value === undefined) {
      io.stderr.write(`memcli: ${line.args[0]} not found\n`);
      return exitCodes.miss;
    }
    io.stdout.write(formatValue(value, line.json));
    return exitCodes.ok;
  },

  async set(client, line, io) {
    const [key, text] = line.args as [string, string];
    let value: unknown = text === '-' ? await readInput(io.stdin, await itemSizeLimit(client)) : text;
    if (line.json) {
      try {
        value = parseJson(
          typeof value === 'string' ? value : Buffer.from(value as Uint8Array).toString('utf8'),
        );
      } catch (error) {
        throw new UsageError(`--json: the value is not JSON (${(error as Error).message})`);
      }
    }
    const stored = await client.set(key, value as never, line.ttl === undefined ? {} : { ttl: line.ttl });
    if (!stored) {
      io.stderr.write(`memcli: ${key} not stored\n`);
      return exitCodes.miss;
    }
    return exitCodes.ok;
  },

  async delete(client, line, io) {
    if (await client.delete(line.args[0]!)) return exitCodes.ok;
    io.stderr.write(`memcli: ${line.args[0]} not found\n`);
    return exitCodes.miss;
  },

  async stats(client, line, io) {
    const args = line.args.length > 0 ? [line.args[0]!] : [];
    if (client instanceof HashClient) return askEach(line, io, (one) => one.stats(...args), formatStats);
    io.stdout.write(formatPerServer(await client.stats(...args), line.json, formatStats));
    return exitCodes.ok;
  },

  async flush(client, line) {
    const delay = line.args[0];
    if (delay !== undefined && !/^\d+$/.test(delay))
      throw new UsageError(`flush takes a delay in seconds, got "${delay}"`);
    await client.flushAll(delay === undefined ? undefined : Number(delay));
    return exitCodes.ok;
  },

  async version(client, line, io) {
    const format = (version: string) => printable(version) + '\n';
    if (client instanceof HashClient) return askEach(line, io, (one) => one.version(), format);
    io.stdout.write(formatPerServer(await client.version(), line.json, format));
    return exitCodes.ok;
  },

  async bench(client, line, io) {
    const phases = await bench(client, line.count, line.size);
    if (line.json) {
      io.stdout.write(toJson(phases) + '\n');
    } else {
      for (const phase of phases) {
        io.stdout.write(
          `${phase.name}: ${phase.perSecond} ops/s (${phase.operations} ops in ${phase.milliseconds.toFixed(0)} ms)\n`,
        );
      }
    }
    return exitCodes.ok;
  },
};

/**
 * Runs `memcli` with these arguments and resolves its exit code; it never throws and never
 * exits the process, so tests and other programs can call it directly.
 */
export async function main(argv: string[], io: CliIo): Promise<ExitCode> {
  let line: CommandLine;
  try {
    line = parseCommandLine(argv, io.env);
  } catch (error) {
    return fail(error, io);
  }
  if (line.help) {
    io.stdout.write(usage);
    return exitCodes.ok;
  }
  const command = line.command === undefined ? undefined : commands[line.command];
  const arity = line.command === undefined ? undefined : ARITY[line.command];
  if (command === undefined || arity === undefined) {
    const what = line.command === undefined ? 'no command given' : `unknown command "${line.command}"`;
    return fail(new UsageError(what), io);
  }
  if (line.args.length < arity[0] || line.args.length > arity[1]) {
    return fail(new UsageError(`${line.command} takes ${describeArity(arity)}, got ${line.args.length}`), io);
  }
  let client: CliClient;
  try {
    client = clientFor(line, line.servers);
  } catch (error) {
    return fail(error, io);
  }
  try {
    return await command(client, line, io);
  } catch (error) {
    const hint = connectionHint(error, line.tls !== undefined);
    const code = fail(error, io);
    if (hint !== undefined) io.stderr.write(`memcli: ${hint}\n`);
    return code;
  } finally {
    await client.close().catch(() => {});
  }
}

function fail(error: unknown, io: CliIo): ExitCode {
  const code = exitCodeFor(error);
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(`memcli: ${printable(message)}\n`);
  if (code === exitCodes.usage && error instanceof UsageError)
    io.stderr.write('Run "memcli --help" for usage.\n');
  return code;
}

function describeArity([least, most]: [number, number]): string {
  if (least === most) return `${least} argument${least === 1 ? '' : 's'}`;
  return `${least} to ${most} arguments`;
}

function formatStats(stats: Stats): string {
  return Object.entries(stats)
    .map(([name, value]) => `${printable(name)} ${printable(String(value))}\n`)
    .join('');
}

/** The client the command line asks for, over `servers`. */
function clientFor(line: CommandLine, servers: string[]): CliClient {
  const tls = line.tls === undefined ? undefined : tlsOptions(line.tls);
  return openClient(servers, { prefix: line.prefix, timeout: line.timeout, tls, raw: line.raw });
}

/**
 * Asks every server on its own, as memcached's own tools do: the servers that answer are
 * printed, each one that does not is named on stderr, and the exit code is the first failure's.
 */
async function askEach<T>(
  line: CommandLine,
  io: CliIo,
  ask: (client: Client) => Promise<T>,
  format: (one: T) => string,
): Promise<ExitCode> {
  const servers = [...new Set(line.servers)];
  const outcomes = await Promise.allSettled(
    servers.map(async (server) => {
      // One server: a Client.
      const one = clientFor(line, [server]) as Client;
      try {
        return await ask(one);
      } finally {
        await one.close().catch(() => {});
      }
    }),
  );
  // A bad argument fails every server alike: it is the command line's mistake, said once.
  for (const outcome of outcomes) {
    if (outcome.status === 'rejected' && exitCodeFor(outcome.reason) === exitCodes.usage)
      throw outcome.reason;
  }
  const answers = new Map<string, T>();
  let code: ExitCode = exitCodes.ok;
  outcomes.forEach((outcome, index) => {
    const server = servers[index]!;
    if (outcome.status === 'fulfilled') {
      answers.set(server, outcome.value);
      return;
    }
    const message = outcome.reason instanceof Error ? outcome.reason.message : String(outcome.reason);
    io.stderr.write(`memcli: ${printable(server)}: ${printable(message)}\n`);
    if (code === exitCodes.ok) code = exitCodeFor(outcome.reason);
  });
  if (answers.size > 0) io.stdout.write(formatPerServer(answers, line.json, format));
  return code;
}

/** One server's answer as it is; several as sections headed by the server's name. */
function formatPerServer<T>(answer: T | Map<string, T>, json: boolean, format: (one: T) => string): string {
  if (answer instanceof Map) {
    if (json) return toJson(Object.fromEntries(answer)) + '\n';
    return [...answer].map(([server, one]) => `# ${server}\n${format(one)}`).join('');
  }
  return json ? toJson(answer) + '\n' : format(answer);
}
