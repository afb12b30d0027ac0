import type { FaultProxy } from '@mc/test-utils';
import type { Connection } from '@mc/transport';
import fc from 'fast-check';
import { commands } from '@mc/protocol';
import { type Client, type HashClient, MemcacheConnectionError, MemcacheError } from '../index.js';
import { FAULT_ERRORS, settleWithin } from './fault-harness.js';

// ── programs ───────────────────────────────────────────────────────────────────────────────

/** Text keys hold strings built of write tokens; counter keys hold decimal numbers. */
export const TEXT_KEYS = 4;
export const COUNTER_KEYS = 2;

/** One call of a program. `key` indexes the text or the counter keys, by the kind. */
export type Operation =
  | { kind: 'get' | 'gets' | 'touch'; key: number }
  | { kind: 'getMany'; keys: number[] }
  | { kind: 'set' | 'add' | 'cas' | 'delete'; key: number; noreply: boolean }
  | { kind: 'append'; key: number }
  | { kind: 'incr' | 'decr' | 'setCounter'; key: number }
  | { kind: 'metaGet' | 'metaSet' | 'metaDelete'; key: number; base64: boolean; quiet: boolean }
  | { kind: 'metaArithmetic'; key: number; base64: boolean; quiet: boolean; decrement: boolean }
  | { kind: 'metaNoop' | 'version' | 'stats' | 'verbosity' };

/** Calls made in the same tick and awaited together. */
export type Batch = Operation[];

const text = fc.integer({ min: 0, max: TEXT_KEYS - 1 });
const counter = fc.integer({ min: 0, max: COUNTER_KEYS - 1 });

/** Every command kind, weighted towards the keyed ones. */
export const operation: fc.Arbitrary<Operation> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constantFrom('get', 'gets', 'touch'), key: text }), weight: 4 },
  {
    arbitrary: fc.record({
      kind: fc.constant('getMany'),
      keys: fc.array(text, { minLength: 1, maxLength: 3 }),
    }),
    weight: 2,
  },
  {
    arbitrary: fc.record({
      kind: fc.constantFrom('set', 'add', 'cas', 'delete'),
      key: text,
      noreply: fc.boolean(),
    }),
    weight: 4,
  },
  { arbitrary: fc.record({ kind: fc.constant('append'), key: text }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constantFrom('incr', 'decr', 'setCounter'), key: counter }), weight: 2 },
  {
    arbitrary: fc.record({
      kind: fc.constantFrom('metaGet', 'metaSet', 'metaDelete'),
      key: text,
      base64: fc.boolean(),
      quiet: fc.boolean(),
    }),
    weight: 4,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('metaArithmetic'),
      key: counter,
      base64: fc.boolean(),
      quiet: fc.boolean(),
      decrement: fc.boolean(),
    }),
    weight: 1,
  },
  { arbitrary: fc.record({ kind: fc.constantFrom('metaNoop', 'version', 'stats', 'verbosity') }), weight: 1 },
) as fc.Arbitrary<Operation>;

/** A program: 1–6 batches of 1–`maxCalls` calls. */
export function program(maxCalls = 12): fc.Arbitrary<Batch[]> {
  return fc.array(fc.array(operation, { minLength: 1, maxLength: maxCalls, size: 'max' }), {
    minLength: 1,
    maxLength: 6,
  });
}

// ── drivers: one per way of reaching memcached ─────────────────────────────────────────────

/** What a call came back with, in one shape whatever the driver. */
export type Answer =
  | { kind: 'value'; value: string | undefined; cas?: bigint }
  | { kind: 'values'; values: Map<string, string> }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'status'; value: string }
  | { kind: 'number'; value: bigint | undefined }
  | { kind: 'arithmetic'; status: string; value: bigint | undefined }
  | { kind: 'other' };

/** A call with its concrete arguments, fixed before it is made. */
export interface Call {
  operation: Operation;
  /** The key as sent. */
  key?: string;
  keys?: string[];
  /** The value or data written, or the delta. */
  value?: string;
  delta?: bigint;
  cas?: bigint;
}

export interface Driver {
  name: string;
  /** True when meta requests may be sent quiet by the caller (only the raw connection). */
  run(call: Call): Promise<Answer>;
}

const ARITHMETIC_STATUS: Record<string, string> = {
  HD: 'ok',
  VA: 'ok',
  NF: 'not_found',
  NS: 'not_stored',
  EX: 'exists',
};
const SET_STATUS: Record<string, string> = { HD: 'stored', NS: 'not_stored', EX: 'exists', NF: 'not_found' };
const DELETE_STATUS: Record<string, string> = { HD: 'deleted', NF: 'not_found', EX: 'exists' };

/**
 * Node health as a HashClient made with `metrics: true` sees it: a count that moves whenever a
 * node dies or comes back, and whether one is held dead now.
 */
function nodeHealth(client: Client | HashClient): { changes: number; dead: boolean } | undefined {
  const snapshot = client.metrics();
  if (snapshot === undefined) return undefined;
  let changes = 0;
  let dead = false;
  for (const node of Object.values(snapshot.nodes)) {
    changes += node.markedDead + node.markedAlive;
    dead ||= node.dead;
  }
  return { changes, dead };
}

/**
 * Client and HashClient share one surface. A HashClient answers a read of a dead node's keys
 * as a miss, which the model cannot tell from a lost write: with `metrics: true` on the client,
 * a miss while any node was dead (at the call's start or end, or dying or reviving during it)
 * is reported as that refusal (a connection error) instead of being judged as a miss.
 */
export function clientDriver(name: string, client: Client | HashClient): Driver {
  const run = clientRun(client);
  return {
    name,
    async run(call): Promise<Answer> {
      const before = nodeHealth(client);
      const answer = await run(call);
      if (before === undefined || !isMiss(answer, call.keys ?? [])) return answer;
      const after = nodeHealth(client)!;
      if (before.dead || after.dead || before.changes !== after.changes) {
        throw new MemcacheConnectionError('a miss while a node was held dead (its keys are misses)');
      }
      return answer;
    },
  };
}

/** A read that found nothing, or a getMany that found less than it asked for. */
function isMiss(answer: Answer, keys: readonly string[]): boolean {
  if (answer.kind === 'value') return answer.value === undefined;
  if (answer.kind === 'values') return keys.some((key) => !answer.values.has(key));
  return false;
}

function clientRun(client: Client | HashClient): Driver['run'] {
  return async ({ operation, key = '', keys = [], value = '', delta = 1n, cas = 0n }): Promise<Answer> => {
    switch (operation.kind) {
      case 'get':
        return { kind: 'value', value: (await client.get(key)) as string | undefined };
      case 'gets': {
        const hit = await client.gets(key);
        return { kind: 'value', value: hit?.value as string | undefined, cas: hit?.cas };
      }
      case 'getMany':
        return { kind: 'values', values: (await client.getMany(keys)) as Map<string, string> };
      case 'touch':
        return { kind: 'boolean', value: await client.touch(key, 0) };
      case 'set':
      case 'setCounter':
        return {
          kind: 'boolean',
          value: await client.set(key, value, { noreply: 'noreply' in operation && operation.noreply }),
        };
      case 'add':
        return { kind: 'boolean', value: await client.add(key, value, { noreply: operation.noreply }) };
      case 'delete':
        return { kind: 'boolean', value: await client.delete(key, { noreply: operation.noreply }) };
      case 'cas':
        return { kind: 'status', value: await client.cas(key, value, cas, { noreply: operation.noreply }) };
      case 'append':
        return { kind: 'boolean', value: await client.append(key, value) };
      case 'incr':
        return { kind: 'number', value: await client.incr(key, delta) };
      case 'decr':
        return { kind: 'number', value: await client.decr(key, delta) };
      case 'metaGet': {
        const hit = await client.metaGet(key, { value: true, cas: true, base64: operation.base64 });
        return { kind: 'value', value: hit?.value as string | undefined, cas: hit?.cas };
      }
      case 'metaSet':
        return {
          kind: 'status',
          value: (await client.metaSet(key, value, { base64: operation.base64 })).status,
        };
      case 'metaDelete':
        return {
          kind: 'status',
          value: (await client.metaDelete(key, { base64: operation.base64 })).status,
        };
      case 'metaArithmetic': {
        const result = await client.metaArithmetic(key, {
          mode: operation.decrement ? 'decr' : 'incr',
          delta,
          base64: operation.base64,
        });
        return { kind: 'arithmetic', status: result.status, value: result.value };
      }
      case 'metaNoop':
        await client.metaNoop();
        return { kind: 'other' };
      case 'version':
        await client.version();
        return { kind: 'other' };
      case 'stats':
        await client.stats();
        return { kind: 'other' };
      case 'verbosity':
        await client.verbosity(0);
        return { kind: 'other' };
    }
  };
}

const TEXT_FLAGS = 16;
const bytes = (text: string) => Buffer.from(text, 'utf8');
const decoded = (value: Uint8Array | undefined) =>
  value === undefined ? undefined : Buffer.from(value).toString('utf8');

/** The raw `Connection` with `@mc/protocol` requests, quiet meta requests included. */
export function connectionDriver(connection: Connection): Driver {
  return {
    name: 'Connection',
    async run({ operation, key = '', keys = [], value = '', delta = 1n, cas = 0n }): Promise<Answer> {
      switch (operation.kind) {
        case 'get':
        case 'gets': {
          const hits = await connection.send(commands[operation.kind].request([key]));
          return { kind: 'value', value: decoded(hits[0]?.value), cas: hits[0]?.cas };
        }
        case 'getMany': {
          const hits = await connection.send(commands.get.request(keys));
          return {
            kind: 'values',
            values: new Map(hits.map((hit) => [decoded(hit.key)!, decoded(hit.value)!])),
          };
        }
        case 'touch':
          return { kind: 'boolean', value: await connection.send(commands.touch.request(key, 0, false)) };
        case 'set':
        case 'setCounter':
        case 'add': {
          const noreply = 'noreply' in operation && operation.noreply;
          const verb = operation.kind === 'add' ? commands.add : commands.set;
          const stored = await connection.send(verb.request(key, bytes(value), TEXT_FLAGS, 0, noreply));
          return { kind: 'boolean', value: noreply ? true : stored };
        }
        case 'delete': {
          const deleted = await connection.send(commands.delete.request(key, operation.noreply));
          return { kind: 'boolean', value: operation.noreply ? true : deleted };
        }
        case 'cas': {
          const status = await connection.send(
            commands.cas.request(key, bytes(value), TEXT_FLAGS, 0, cas, operation.noreply),
          );
          return { kind: 'status', value: operation.noreply ? 'stored' : status };
        }
        case 'append':
          return {
            kind: 'boolean',
            value: await connection.send(commands.append.request(key, bytes(value), 0, 0, false)),
          };
        case 'incr':
        case 'decr':
          return {
            kind: 'number',
            value: await connection.send(commands[operation.kind].request(key, delta, false)),
          };
        case 'metaGet': {
          const { base64, quiet } = operation;
          const reply = await connection.send(
            commands.metaGet.request(key, { value: true, cas: true, base64, quiet }),
          );
          if (reply.code === 'EN') return { kind: 'value', value: undefined };
          const token = reply.flags.get('c');
          return {
            kind: 'value',
            value: decoded(reply.value),
            cas: token === undefined ? undefined : BigInt(token),
          };
        }
        case 'metaSet': {
          const { base64, quiet } = operation;
          const reply = await connection.send(
            commands.metaSet.request(key, bytes(value), { flags: TEXT_FLAGS, base64, quiet }),
          );
          return { kind: 'status', value: SET_STATUS[reply.code] ?? reply.code };
        }
        case 'metaDelete': {
          const { base64, quiet } = operation;
          const reply = await connection.send(commands.metaDelete.request(key, { base64, quiet }));
          return { kind: 'status', value: DELETE_STATUS[reply.code] ?? reply.code };
        }
        case 'metaArithmetic': {
          const { base64, quiet } = operation;
          const mode = operation.decrement ? 'decr' : 'incr';
          const reply = await connection.send(
            commands.metaArithmetic.request(key, { mode, delta, value: true, base64, quiet }),
          );
          const number = decoded(reply.value);
          return {
            kind: 'arithmetic',
            status: ARITHMETIC_STATUS[reply.code] ?? reply.code,
            value: number === undefined ? undefined : BigInt(number),
          };
        }
        case 'metaNoop':
          await connection.send(commands.metaNoop.request());
          return { kind: 'other' };
        case 'version':
          await connection.send(commands.version.request());
          return { kind: 'other' };
        case 'stats':
          await connection.send(commands.stats.request([]));
          return { kind: 'other' };
        case 'verbosity':
          await connection.send(commands.verbosity.request(0, false));
          return { kind: 'other' };
      }
    },
  };
}

// ── the model ──────────────────────────────────────────────────────────────────────────────

interface KeyState {
  /** The value memcached holds, when certain. */
  value: string | undefined;
  /** The cas unique last seen, if no write came since. */
  cas: bigint | undefined;
  /** A write failed, went out noreply under faults, or timed out: anything written may be there. */
  uncertain: boolean;
  /** Every token ever written to the key: what an uncertain text value may be made of. */
  tokens: Set<string>;
}

/** Counter keys live in bands of their own, so a number read for the wrong key shows. */
const COUNTER_BAND = 1_000_000_000_000n;
const counterBase = (index: number) => BigInt(index + 1) * COUNTER_BAND;

/** What a program ended with. */
export interface ProgramReport {
  operations: number;
  errors: number;
  /** Problems found: must stay empty. */
  problems: string[];
}

/**
 * Runs `batches` through `driver`, each batch's calls made in the same tick, and checks every
 * answer against a model of the keys (see docs/reliability.md). `faulty` says whether the
 * proxy may be injecting faults: without them, every answer must be exact and no call may fail.
 */
export async function runProgram(
  driver: Driver,
  batches: readonly Batch[],
  options: { prefix: string; faulty: boolean; settleMs: number; report: ProgramReport },
): Promise<void> {
  const { prefix, faulty, report } = options;
  const textKey = (index: number) => `${prefix}t${index}`;
  const counterKey = (index: number) => `${prefix}c${index}`;
  const states = new Map<string, KeyState>();
  const state = (key: string): KeyState => {
    let found = states.get(key);
    if (found === undefined) {
      found = { value: undefined, cas: undefined, uncertain: false, tokens: new Set() };
      states.set(key, found);
    }
    return found;
  };
  let writes = 0;
  const token = (key: string) => `${key}#${writes++}`;
  const problem = (call: Call, text: string): void => {
    report.problems.push(`${driver.name} ${call.operation.kind} ${call.key ?? call.keys}: ${text}`);
  };

  for (const batch of batches) {
    const calls: Call[] = batch.map((operation) => {
      switch (operation.kind) {
        case 'getMany':
          return { operation, keys: [...new Set(operation.keys.map(textKey))] };
        case 'incr':
        case 'decr':
        case 'metaArithmetic':
          return { operation, key: counterKey(operation.key), delta: BigInt(1 + (writes++ % 7)) };
        case 'setCounter': {
          const key = counterKey(operation.key);
          return { operation, key, value: String(counterBase(operation.key) + BigInt(writes++ * 100)) };
        }
        case 'metaNoop':
        case 'version':
        case 'stats':
        case 'verbosity':
          return { operation };
        default: {
          const key = textKey(operation.key);
          const written = token(key);
          state(key).tokens.add(written);
          // A separator first for appends, so tokens stay apart.
          const value = operation.kind === 'append' ? `;${written}` : written;
          return { operation, key, value, cas: state(key).cas ?? 1n << 62n };
        }
      }
    });
    const outcomes = await settleWithin(
      calls.map((call) => driver.run(call)),
      options.settleMs,
    );
    report.operations += calls.length;
    outcomes.forEach((outcome, index) => {
      const call = calls[index]!;
      const kind = call.operation.kind;
      const isWrite = ![
        'get',
        'gets',
        'getMany',
        'metaGet',
        'metaNoop',
        'version',
        'stats',
        'verbosity',
      ].includes(kind);
      if (outcome.status === 'rejected') {
        report.errors++;
        const error = outcome.reason as unknown;
        if (!(error instanceof MemcacheError) || !FAULT_ERRORS.some((type) => error instanceof type)) {
          problem(call, `untyped error ${String(error)}`);
        } else if (!faulty) problem(call, `error without a fault: ${error.name}: ${error.message}`);
        if (isWrite && call.key !== undefined) state(call.key).uncertain = true;
        return;
      }
      check(call, outcome.value);
      if (
        faulty &&
        isWrite &&
        'noreply' in call.operation &&
        call.operation.noreply &&
        call.key !== undefined
      ) {
        state(call.key).uncertain = true;
      }
    });
  }

  /** Judges one answer and moves the model on, in call order. */
  function check(call: Call, answer: Answer): void {
    const { operation } = call;
    const key = call.key ?? '';
    const current = call.key === undefined ? undefined : state(key);
    const expect = (got: unknown, wanted: unknown) => {
      if (current?.uncertain) return;
      if (got !== wanted) problem(call, `got ${String(got)}, model says ${String(wanted)}`);
    };
    const checkText = (name: string, value: string | undefined, entry: KeyState) => {
      if (entry.uncertain) {
        if (value === undefined) return;
        const parts = value.split(';');
        if (parts.some((part) => !entry.tokens.has(part)))
          problem(call, `${name} holds ${value}, never written there`);
        return;
      }
      if (value !== entry.value)
        problem(call, `${name}: got ${String(value)}, model says ${String(entry.value)}`);
    };
    const checkCounter = (got: bigint | undefined) => {
      if (got === undefined) {
        if (!current!.uncertain && current!.value !== undefined)
          problem(call, `miss, model says ${current!.value}`);
        return;
      }
      const index = Number(key.slice(key.lastIndexOf('c') + 1));
      const base = counterBase(index);
      if (got < base - COUNTER_BAND / 2n || got >= base + COUNTER_BAND / 2n)
        problem(call, `${got} is not this counter's`);
      else if (!current!.uncertain && String(got) !== current!.value)
        problem(call, `got ${got}, model says ${current!.value}`);
    };
    switch (operation.kind) {
      case 'get':
      case 'gets':
      case 'metaGet': {
        const entry = current!;
        if (answer.kind !== 'value') {
          problem(call, `answer of kind ${answer.kind}`);
          return;
        }
        checkText(key, answer.value, entry);
        if (!entry.uncertain && answer.value !== undefined && operation.kind !== 'get')
          entry.cas = answer.cas;
        return;
      }
      case 'getMany': {
        if (answer.kind !== 'values') {
          problem(call, `answer of kind ${answer.kind}`);
          return;
        }
        for (const name of answer.values.keys())
          if (!call.keys!.includes(name)) problem(call, `unasked key ${name}`);
        for (const name of call.keys!) checkText(name, answer.values.get(name), state(name));
        return;
      }
      case 'touch':
        if (answer.kind !== 'boolean') {
          problem(call, `answer of kind ${answer.kind}`);
          return;
        }
        expect(answer.value, current!.value !== undefined);
        return;
      case 'set':
      case 'metaSet':
      case 'setCounter': {
        const stored =
          answer.kind === 'boolean' ? answer.value : answer.kind === 'status' && answer.value === 'stored';
        expect(stored, true);
        current!.value = call.value;
        current!.cas = undefined;
        return;
      }
      case 'add': {
        if (answer.kind !== 'boolean') {
          problem(call, `answer of kind ${answer.kind}`);
          return;
        }
        if (operation.noreply) {
          if (!current!.uncertain && current!.value === undefined) current!.value = call.value;
          current!.cas = undefined;
          return;
        }
        expect(answer.value, current!.value === undefined);
        if (answer.value) {
          current!.value = call.value;
          current!.cas = undefined;
        }
        return;
      }
      case 'cas': {
        if (answer.kind !== 'status') {
          problem(call, `answer of kind ${answer.kind}`);
          return;
        }
        const wanted =
          current!.value === undefined ? 'not_found' : current!.cas === call.cas ? 'stored' : 'exists';
        if (!operation.noreply) expect(answer.value, wanted);
        if (wanted === 'stored') {
          current!.value = call.value;
          current!.cas = undefined;
        }
        return;
      }
      case 'delete':
      case 'metaDelete': {
        const deleted =
          answer.kind === 'boolean' ? answer.value : answer.kind === 'status' && answer.value === 'deleted';
        if (!('noreply' in operation && operation.noreply)) expect(deleted, current!.value !== undefined);
        current!.value = undefined;
        current!.cas = undefined;
        return;
      }
      case 'append': {
        if (answer.kind !== 'boolean') {
          problem(call, `answer of kind ${answer.kind}`);
          return;
        }
        expect(answer.value, current!.value !== undefined);
        if (current!.value !== undefined) current!.value += call.value;
        current!.cas = undefined;
        return;
      }
      case 'incr':
      case 'decr':
      case 'metaArithmetic': {
        const got =
          answer.kind === 'number' ? answer.value : answer.kind === 'arithmetic' ? answer.value : undefined;
        if (answer.kind === 'arithmetic')
          expect(answer.status, current!.value === undefined ? 'not_found' : 'ok');
        const down =
          operation.kind === 'decr' || (operation.kind === 'metaArithmetic' && operation.decrement);
        const next =
          current!.value === undefined
            ? undefined
            : String(BigInt(current!.value) + (down ? -call.delta! : call.delta!));
        current!.value = next;
        // memcached leaves out a quiet ma's whole reply when it succeeds, value included.
        const unreported = operation.kind === 'metaArithmetic' && operation.quiet && got === undefined;
        if (!unreported || next === undefined) checkCounter(got);
        return;
      }
      default:
        return;
    }
  }

  // Every key read back at the end must agree with the model (or be made of its own tokens).
  const finals = [...states.keys()].filter((key) => key.startsWith(`${prefix}t`));
  if (finals.length > 0) {
    const [outcome] = await settleWithin(
      [driver.run({ operation: { kind: 'getMany', keys: [] }, keys: finals })],
      options.settleMs,
    );
    if (outcome!.status === 'fulfilled' && outcome!.value.kind === 'values') {
      const values = outcome!.value.values;
      for (const key of finals) {
        const entry = state(key);
        const value = values.get(key);
        if (entry.uncertain) {
          if (value?.split(';').some((part) => !entry.tokens.has(part))) {
            report.problems.push(`${driver.name} final ${key}: ${value}, never written there`);
          }
        } else if (value !== entry.value) {
          report.problems.push(
            `${driver.name} final ${key}: got ${String(value)}, model says ${String(entry.value)}`,
          );
        }
      }
    } else if (!faulty) report.problems.push(`${driver.name} final read failed`);
  }
}

/**
 * After the faults stop, a fresh write and then a read of `keys` must succeed and agree at once.
 * The read follows the write's answer: while a HashClient node is still held dead (its probe
 * being the write), a read of its keys is a miss by design, not a lost write.
 */
export async function checkRecovery(
  driver: Driver,
  keys: readonly string[],
  settleMs: number,
  problems: string[],
): Promise<void> {
  const deadline = Date.now() + settleMs;
  for (const key of keys) {
    const value = `${key}#recovered`;
    for (;;) {
      const [write] = await settleWithin(
        [driver.run({ operation: { kind: 'set', key: 0, noreply: false }, key, value })],
        settleMs,
      );
      const [read] =
        write!.status === 'fulfilled'
          ? await settleWithin([driver.run({ operation: { kind: 'get', key: 0 }, key })], settleMs)
          : [write!];
      if (write!.status === 'fulfilled' && read!.status === 'fulfilled') {
        const answer = read!.value;
        if (answer.kind !== 'value' || answer.value !== value)
          problems.push(`${driver.name} recovery ${key}: got ${JSON.stringify(answer)}`);
        break;
      }
      if (Date.now() > deadline) {
        problems.push(`${driver.name} did not recover within ${settleMs} ms`);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** The fault plans a program may run under, from none to all at once. */
export const FAULT_PLANS = {
  none: {},
  delays: { maxDelayMs: 15 },
  splits: { splitProbability: 0.5 },
  resets: { resetProbability: 0.08, splitProbability: 0.2 },
  stalls: { stallProbability: 0.04, stallMs: 1200 },
  all: {
    maxDelayMs: 10,
    splitProbability: 0.3,
    resetProbability: 0.05,
    stallProbability: 0.02,
    stallMs: 1200,
  },
} satisfies Record<string, FaultProxy['plan']>;

export type FaultPlanName = keyof typeof FAULT_PLANS;
