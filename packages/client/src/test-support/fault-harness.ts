import type net from 'node:net';
import { type FakeServer, onLines, startFakeServer } from '@mc/test-utils';
import { afterEach } from 'vitest';
import {
  MemcacheClientError,
  MemcacheConnectionError,
  MemcacheError,
  MemcacheProtocolError,
  MemcacheServerError,
  MemcacheTimeoutError,
  MemcacheUnexpectedCloseError,
  MemcacheUnknownCommandError,
} from '../index.js';

// ── values that prove where they came from ─────────────────────────────────────────────────

/**
 * The value stored under `key`: the key itself, then filler whose length also depends on the
 * key (1 byte to ~6 KB, so some replies span TCP chunks). A value handed to the wrong request
 * names the wrong key, so a mix-up cannot pass unnoticed.
 */
export function valueFor(key: string, version = 0): string {
  let hash = 2166136261;
  for (let index = 0; index < key.length; index++) hash = Math.imul(hash ^ key.charCodeAt(index), 16777619);
  const filler = (hash >>> 0) % 97 === 0 ? 6000 : (hash >>> 0) % 300;
  return `${key}#${version}|${'x'.repeat(filler)}`;
}

/** Keys `prefix-0` … `prefix-(count-1)`. */
export function keyRange(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) => `${prefix}-${index}`);
}

// ── cleanup ────────────────────────────────────────────────────────────────────────────────

type Closable = { close(): Promise<void> } | { stop(): Promise<void> };

/**
 * Call once per test file: returns `track`, which closes (or stops) what it is given after
 * each test, so a failing scenario leaves no server or socket behind for the next one.
 */
export function closeAfterEach(): <T extends Closable>(thing: T) => T {
  const open: Closable[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((thing) => ('close' in thing ? thing.close() : thing.stop())));
  });
  return (thing) => {
    open.push(thing);
    return thing;
  };
}

// ── operations and their verdicts ──────────────────────────────────────────────────────────

/** The slice of Client and HashClient the workloads drive. */
export interface Target {
  get(key: string): Promise<unknown>;
  getMany(keys: Iterable<string>): Promise<Map<string, unknown>>;
  set(key: string, value: string): Promise<boolean>;
  delete(key: string): Promise<boolean>;
}

/** One operation of a workload, with what a right answer looks like. */
interface Operation {
  kind: 'get' | 'getMany' | 'set' | 'delete';
  keys: string[];
  /**
   * The operation's settlement, observed from the start: a rejection that lands before the
   * test gets round to judging must not count as unhandled.
   */
  outcome: Promise<PromiseSettledResult<unknown>>;
}

/** What a fault scenario ended with. */
export interface Verdict {
  operations: number;
  succeeded: number;
  misses: number;
  /** Rejections by error class name. */
  errors: Record<string, number>;
  /** Answers that are not the right value of the key asked for: must stay empty. */
  wrong: string[];
  /** Rejections that are not typed memcache errors of the expected kinds: must stay empty. */
  untyped: string[];
}

/** The failures a server fault may cause; illegal input or a decode error would be a bug here. */
export const FAULT_ERRORS = [
  MemcacheConnectionError,
  MemcacheTimeoutError,
  MemcacheUnexpectedCloseError,
  MemcacheProtocolError,
  MemcacheServerError,
  MemcacheClientError,
  MemcacheUnknownCommandError,
] as const;

type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * Issues `count` operations at once over `keys` (gets, multi-gets, sets of the key's own
 * value, deletes), without awaiting any, so they pile up in the pipeline together.
 */
export function launch(target: Target, keys: readonly string[], count: number): Operation[] {
  const operations: Operation[] = [];
  const add = (kind: Operation['kind'], group: string[], promise: Promise<unknown>) =>
    operations.push({ kind, keys: group, outcome: observe(promise) });
  for (let index = 0; index < count; index++) {
    const key = keys[(index * 7919) % keys.length]!;
    const shape = index % 10;
    if (shape < 6) add('get', [key], target.get(key));
    else if (shape < 8) {
      const group = [key, keys[(index * 31) % keys.length]!, keys[(index * 131) % keys.length]!];
      add('getMany', group, target.getMany(group));
    } else if (shape < 9) add('set', [key], target.set(key, valueFor(key)));
    // Deleting a key the workload reads makes misses legal, never wrong values.
    else add('delete', [key], target.delete(key));
  }
  return operations;
}

/** The settlement of `promise` as a value, with the rejection handled at once. */
function observe<T>(promise: Promise<T>): Promise<PromiseSettledResult<T>> {
  return promise.then(
    (value) => ({ status: 'fulfilled', value }),
    (reason: unknown) => ({ status: 'rejected', reason }),
  );
}

/**
 * Waits for every operation, failing the test if any is still pending after `withinMs`,
 * then checks each answer against the key it asked for.
 */
export async function judge(
  operations: readonly Operation[],
  withinMs: number,
  allowed: readonly ErrorClass[] = FAULT_ERRORS,
): Promise<Verdict> {
  const results = await settleWithin(
    operations.map((operation) => operation.outcome),
    withinMs,
  );
  const verdict: Verdict = {
    operations: operations.length,
    succeeded: 0,
    misses: 0,
    errors: {},
    wrong: [],
    untyped: [],
  };
  results.forEach((settled, index) => {
    const operation = operations[index]!;
    const result = settled.status === 'fulfilled' ? settled.value : settled;
    if (result.status === 'rejected') {
      const error = result.reason as unknown;
      const name = error instanceof Error ? error.name : typeof error;
      verdict.errors[name] = (verdict.errors[name] ?? 0) + 1;
      if (!(error instanceof MemcacheError) || !allowed.some((type) => error instanceof type)) {
        verdict.untyped.push(`${operation.kind} ${operation.keys[0]}: ${String(error)}`);
      }
      return;
    }
    verdict.succeeded++;
    const problem = wrongAnswer(operation, result.value);
    if (problem === 'miss') verdict.misses++;
    else if (problem !== undefined) verdict.wrong.push(problem);
  });
  return verdict;
}

function wrongAnswer(operation: Operation, value: unknown): string | 'miss' | undefined {
  const [key] = operation.keys;
  switch (operation.kind) {
    case 'get':
      if (value === undefined) return 'miss';
      return value === valueFor(key!) ? undefined : `get ${key} → ${describe(value)}`;
    case 'getMany': {
      if (!(value instanceof Map)) return `getMany → ${describe(value)}`;
      for (const [hitKey, hitValue] of value) {
        if (!operation.keys.includes(hitKey as string)) return `getMany: unasked key ${String(hitKey)}`;
        if (hitValue !== valueFor(hitKey as string)) return `getMany ${hitKey} → ${describe(hitValue)}`;
      }
      return value.size < new Set(operation.keys).size ? 'miss' : undefined;
    }
    case 'set':
    case 'delete':
      return typeof value === 'boolean' ? undefined : `${operation.kind} ${key} → ${describe(value)}`;
  }
}

function describe(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

/** Promise.allSettled that fails loudly (naming how many hung) instead of waiting forever. */
export async function settleWithin<T>(
  promises: readonly Promise<T>[],
  withinMs: number,
): Promise<PromiseSettledResult<T>[]> {
  let settled = 0;
  const counted = promises.map((promise) =>
    promise.finally(() => {
      settled++;
    }),
  );
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `${promises.length - settled} of ${promises.length} promises still pending after ${withinMs} ms`,
          ),
        ),
      withinMs,
    );
  });
  try {
    return await Promise.race([Promise.allSettled(counted), hung]);
  } finally {
    clearTimeout(timer);
  }
}

/** Retries `attempt` until it resolves true, or fails after `withinMs`. */
export async function eventually(attempt: () => Promise<boolean>, withinMs = 5000): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    if (await attempt().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`not recovered within ${withinMs} ms`);
    await sleep(25);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// ── a fake memcached with faults on demand ─────────────────────────────────────────────────

/** One command as the fake memcached received it. */
export interface FakeCommand {
  verb: string;
  keys: string[];
  /** Counts commands across every connection, from 0. */
  index: number;
}

/**
 * What the fake answers instead of the honest reply: other bytes, those bytes and then a
 * hang-up (`{ cut }`), or nothing at all (`{ silence: true }`).
 */
export type FakeAnswer = string | { cut: string } | { silence: true };

export interface FakeMemcachedOptions {
  /** Replaces the honest reply of some commands; return undefined to answer honestly. */
  fault?: (command: FakeCommand, honest: string) => FakeAnswer | undefined;
  /** Writes every reply one byte per write, each in its own event-loop turn. */
  dribble?: boolean;
}

export interface FakeMemcached extends FakeServer {
  /** The items, by key: what a `get` answers. */
  items: Map<string, { flags: number; data: string }>;
  /** Commands received so far. */
  readonly commands: number;
}

/**
 * A small in-process memcached (get/gets, set/add/replace, delete, incr, version; text protocol, latin1 values
 * without line breaks) whose replies can be corrupted, cut or dribbled, for the faults a real
 * server will not produce on demand.
 */
export async function startFakeMemcached(options: FakeMemcachedOptions = {}): Promise<FakeMemcached> {
  const items = new Map<string, { flags: number; data: string }>();
  let index = 0;
  const server = await startFakeServer((socket) => serve(socket));

  function serve(socket: net.Socket): void {
    socket.setNoDelay(true);
    const output = replyWriter(socket, options.dribble ?? false);
    let storing: { key: string; flags: number; command: FakeCommand } | undefined;
    onLines(socket, (line) => {
      if (storing !== undefined) {
        const { key, flags, command } = storing;
        storing = undefined;
        items.set(key, { flags, data: line });
        answer(command, 'STORED\r\n');
        return;
      }
      const [verb = '', ...rest] = line.split(' ');
      const command: FakeCommand = { verb, keys: [], index: index++ };
      switch (verb) {
        case 'get':
        case 'gets': {
          command.keys = rest;
          let reply = '';
          for (const key of rest) {
            const item = items.get(key);
            if (item === undefined) continue;
            reply += `VALUE ${key} ${item.flags} ${Buffer.byteLength(item.data, 'latin1')}`;
            reply += verb === 'gets' ? ' 1\r\n' : '\r\n';
            reply += `${item.data}\r\n`;
          }
          answer(command, `${reply}END\r\n`);
          return;
        }
        case 'set':
        case 'add':
        case 'replace':
          command.keys = [rest[0]!];
          storing = { key: rest[0]!, flags: Number(rest[1]), command };
          return;
        case 'delete':
          command.keys = [rest[0]!];
          answer(command, items.delete(rest[0]!) ? 'DELETED\r\n' : 'NOT_FOUND\r\n');
          return;
        case 'incr':
          command.keys = [rest[0]!];
          answer(command, 'NOT_FOUND\r\n');
          return;
        case 'version':
          answer(command, 'VERSION 1.6.18-fake\r\n');
          return;
        default:
          answer(command, 'ERROR\r\n');
      }
    });

    function answer(command: FakeCommand, honest: string): void {
      const given = options.fault?.(command, honest) ?? honest;
      if (typeof given === 'string') output.write(given);
      else if ('cut' in given) output.write(given.cut, true);
      // silence: nothing at all
    }
  }

  return {
    ...server,
    items,
    get commands() {
      return index;
    },
  };
}

/** Writes replies in order, whole or a byte at a time, and hangs up after a cut reply. */
function replyWriter(socket: net.Socket, dribble: boolean): { write(text: string, hangUp?: boolean): void } {
  const queue: Array<{ bytes: Buffer; hangUp: boolean }> = [];
  let pumping = false;
  const pump = () => {
    const head = queue[0];
    if (head === undefined || socket.destroyed) {
      pumping = false;
      return;
    }
    if (head.bytes.length > 0) {
      socket.write(head.bytes.subarray(0, 1));
      head.bytes = head.bytes.subarray(1);
    }
    if (head.bytes.length === 0) {
      queue.shift();
      if (head.hangUp) {
        socket.destroy();
        return;
      }
    }
    setImmediate(pump);
  };
  return {
    write(text, hangUp = false) {
      const bytes = Buffer.from(text, 'latin1');
      if (!dribble) {
        if (hangUp) socket.end(bytes, () => socket.destroy());
        else socket.write(bytes);
        return;
      }
      queue.push({ bytes, hangUp });
      if (!pumping) {
        pumping = true;
        setImmediate(pump);
      }
    },
  };
}
