import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { commands } from './commands.js';
import { MemcacheError, MemcacheIllegalInputError, MemcacheProtocolError } from './errors.js';
import type { MetaReply } from './readers/meta-reader.js';
import type { RetrievedValue } from './readers/retrieval-reader.js';
import { ResponseParser } from './response-parser.js';
import { passesTo, splitAt } from './test-support/replay.js';
import type { Chunk, EncodedRequest, Frame, Key } from './types.js';

// Fuzzing the parser together with the readers, the way the transport drives them, and the
// encoder against a server-side reading of its bytes. The seed is fixed so a run is
// reproducible; fast-check prints the seed and path of any failure, and FUZZ_SEED=<n>
// explores elsewhere. Case counts are written in the test names, for the README's figures.

const SEED = Number(process.env.FUZZ_SEED ?? 20_260_611);
const RUNS = { splits: 40_000, mutations: 40_000, lines: 20_000, encoder: 20_000 } as const;

// A few seconds each on an idle machine; CI runs every package's tests at once on two cores,
// so these get room to finish rather than a deadline meant for ordinary tests.
vi.setConfig({ testTimeout: 300_000 });

// ── a conversation: requests, the bytes memcached would answer, and what each must become ──

/** Values are a function of their key, so a value delivered to the wrong request is visible. */
function storedValue(key: string): Uint8Array {
  let state = 0x811c9dc5;
  for (let index = 0; index < key.length; index++) state = Math.imul(state ^ key.charCodeAt(index), 16777619);
  const next = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state;
  };
  const length = next() % 48;
  const bytes = new Uint8Array(length);
  for (let index = 0; index < length; index++) bytes[index] = next() & 0xff;
  // Reply syntax inside values, now and then: it must stay data.
  if (length > 12 && next() % 3 === 0) bytes.set(Buffer.from('\r\nEND\r\nHD\r\n'), next() % (length - 11));
  return bytes;
}

function flagsOf(key: string): number {
  return storedValue(`${key}/flags`).reduce((sum, byte) => (sum * 31 + byte) >>> 0, 7);
}

function casOf(key: string): bigint {
  return BigInt(flagsOf(`${key}/cas`)) * 4_294_967_296n + BigInt(flagsOf(key));
}

/**
 * One request and its reply as a server would send it. `reply` is a list of lines (each
 * with its CRLF) and data blocks; `expected` is what the request must settle with.
 */
interface Exchange {
  request: EncodedRequest<unknown>;
  reply: Segment[];
  expected: unknown;
}

/** A line of reply text, or a data block (its bytes only; the CRLF after it is a line of its own). */
type Segment = { line: string } | { data: Uint8Array };

const keyArbitrary = fc.constantFrom(...Array.from({ length: 24 }, (_, index) => `k${index}`), 'é', 'a:b');
const text = (line: string): Segment => ({ line });

function opaqueOf(request: EncodedRequest<unknown>): string {
  const line = request.chunks.filter((chunk): chunk is string => typeof chunk === 'string').join('');
  return / O(\S+)/.exec(line)![1]!;
}

const exchangeArbitrary: fc.Arbitrary<() => Exchange> = fc.oneof(
  // get / gets of 1–3 keys, each a hit or a miss
  fc
    .tuple(
      fc.constantFrom('get' as const, 'gets' as const),
      fc.uniqueArray(fc.tuple(keyArbitrary, fc.boolean()), {
        minLength: 1,
        maxLength: 3,
        selector: ([key]) => key,
      }),
    )
    .map(([verb, asked]) => () => {
      const reply: Segment[] = [];
      const expected: RetrievedValue[] = [];
      for (const [index, [key, hit]] of asked.entries()) {
        if (!hit) continue;
        const value = storedValue(key);
        const cas = verb === 'gets' ? casOf(key) : undefined;
        reply.push(
          text(`VALUE ${key} ${flagsOf(key)} ${value.length}${cas === undefined ? '' : ` ${cas}`}\r\n`),
          { data: value },
          text('\r\n'),
        );
        expected.push({ key: Buffer.from(key), flags: flagsOf(key), cas, value, index });
      }
      reply.push(text('END\r\n'));
      return { request: commands[verb].request(asked.map(([key]) => key)), reply, expected };
    }),
  // storage, delete, touch: one status word each
  fc
    .tuple(keyArbitrary, fc.boolean(), fc.constantFrom('set', 'add', 'delete', 'touch'))
    .map(([key, yes, verb]) => () => {
      const request =
        verb === 'delete'
          ? commands.delete.request(key, false)
          : verb === 'touch'
            ? commands.touch.request(key, 10, false)
            : commands[verb as 'set' | 'add'].request(key, storedValue(key), 0, 0, false);
      const words = { set: 'STORED', add: 'STORED', delete: 'DELETED', touch: 'TOUCHED' };
      const word = yes
        ? words[verb as keyof typeof words]
        : verb === 'set' || verb === 'add'
          ? 'NOT_STORED'
          : 'NOT_FOUND';
      return { request, reply: [text(`${word}\r\n`)], expected: yes };
    }),
  // incr: a number (sometimes padded, as decr pads) or NOT_FOUND
  fc
    .tuple(keyArbitrary, fc.option(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })), fc.nat(3))
    .map(([key, value, padding]) => () => ({
      request: commands.incr.request(key, 1n, false),
      reply: [text(value === null ? 'NOT_FOUND\r\n' : `${value}${' '.repeat(padding)}\r\n`)],
      expected: value ?? undefined,
    })),
  // mg with a value: VA or EN
  fc.tuple(keyArbitrary, fc.boolean()).map(([key, hit]) => () => {
    const value = storedValue(key);
    const expected: MetaReply = hit
      ? { code: 'VA', flags: new Map([['f', String(flagsOf(key))]]), value }
      : { code: 'EN', flags: new Map(), value: undefined };
    const reply = hit
      ? [text(`VA ${value.length} f${flagsOf(key)}\r\n`), { data: value }, text('\r\n')]
      : [text('EN\r\n')];
    return { request: commands.metaGet.request(key, { value: true, flags: true }), reply, expected };
  }),
  // quiet mg: a hit answers with the opaque; a miss answers nothing at all
  fc.tuple(keyArbitrary, fc.boolean()).map(([key, hit]) => () => {
    const request = commands.metaGet.request(key, { value: true, quiet: true });
    const opaque = opaqueOf(request);
    const value = storedValue(key);
    const expected: MetaReply = hit
      ? { code: 'VA', flags: new Map([['O', opaque]]), value }
      : { code: 'EN', flags: new Map(), value: undefined };
    const reply = hit ? [text(`VA ${value.length} O${opaque}\r\n`), { data: value }, text('\r\n')] : [];
    return { request, reply, expected };
  }),
  // quiet ms: success answers nothing; NS answers with the opaque
  fc.tuple(keyArbitrary, fc.boolean()).map(([key, stored]) => () => {
    const request = commands.metaSet.request(key, storedValue(key), { quiet: true, mode: 'add' });
    const opaque = opaqueOf(request);
    const expected: MetaReply = stored
      ? { code: 'HD', flags: new Map(), value: undefined }
      : { code: 'NS', flags: new Map([['O', opaque]]), value: undefined };
    return { request, reply: stored ? [] : [text(`NS O${opaque}\r\n`)], expected };
  }),
  fc.constant(() => ({
    request: commands.metaNoop.request(),
    reply: [text('MN\r\n')],
    expected: { code: 'MN', flags: new Map(), value: undefined },
  })),
  fc.constant(() => ({
    request: commands.version.request(),
    reply: [text('VERSION 1.6.18\r\n')],
    expected: '1.6.18',
  })),
  fc
    .array(fc.tuple(fc.stringMatching(/^[a-z_]{1,12}$/), fc.stringMatching(/^[0-9a-z.]{0,10}$/)), {
      maxLength: 4,
    })
    .map((stats) => () => ({
      request: commands.stats.request([]),
      reply: [...stats.map(([name, value]) => text(`STAT ${name} ${value}\r\n`)), text('END\r\n')],
      expected: new Map(stats),
    })),
);

/** A conversation; it ends with `mn`, as quiet batches do, so suppressed replies settle. */
const conversationArbitrary = fc
  .array(exchangeArbitrary, { minLength: 1, maxLength: 10 })
  .map((makers) => [...makers.map((make) => make()), exchangeOf(commands.metaNoop.request(), 'MN\r\n')]);

function exchangeOf(request: EncodedRequest<unknown>, line: string): Exchange {
  return { request, reply: [text(line)], expected: { code: 'MN', flags: new Map(), value: undefined } };
}

/**
 * The reply stream's bytes, and which of them a mutation may touch: the bytes of each
 * line's first word and every CR and LF (never a data block's bytes, never digits, which
 * legitimately change a number). `lines` are the [start, end) spans of the text lines.
 */
interface Stream {
  bytes: Uint8Array;
  sites: number[];
  lines: Array<[number, number]>;
}

function streamOf(exchanges: readonly Exchange[]): Stream {
  const parts: Uint8Array[] = [];
  const sites: number[] = [];
  const lines: Array<[number, number]> = [];
  let offset = 0;
  for (const { reply } of exchanges) {
    for (const segment of reply) {
      const bytes = 'data' in segment ? segment.data : Buffer.from(segment.line, 'utf8');
      if ('line' in segment) {
        lines.push([offset, offset + bytes.length]);
        const firstSpace = bytes.indexOf(0x20);
        const wordEnd = firstSpace === -1 ? bytes.length - 2 : firstSpace;
        for (let index = 0; index < wordEnd; index++) {
          if (bytes[index]! < 0x30 || bytes[index]! > 0x39) sites.push(offset + index);
        }
        sites.push(offset + bytes.length - 2, offset + bytes.length - 1);
      }
      parts.push(bytes);
      offset += bytes.length;
    }
  }
  return { bytes: Buffer.concat(parts), sites, lines };
}

// ── the transport's dispatch, in miniature ─────────────────────────────────────────────────

type Outcome = { value: unknown } | { error: unknown } | { pending: true };

/**
 * Feeds `pieces` through a parser and gives each frame to the oldest request awaiting one,
 * as a simple pipelined transport would: a quiet reader takes a frame only when it could be its
 * own (passesTo, see test-support/replay.ts); a parser or
 * reader error, a reply that does not fit its request, a frame nobody asked for, or an
 * error frame that resets the stream drops the connection, failing everything still waiting.
 */
function dispatch(exchanges: readonly Exchange[], pieces: readonly Uint8Array[]): Outcome[] {
  const outcomes: Outcome[] = exchanges.map(() => ({ pending: true }));
  const waiting = exchanges.map((exchange, index) => ({ reader: exchange.request.reader!, index }));
  let head = 0;
  let dropped: unknown;
  const settle = (entry: (typeof waiting)[number]) => {
    try {
      outcomes[entry.index] = { value: entry.reader.result() };
    } catch (error) {
      outcomes[entry.index] = { error };
    }
  };
  const drop = (error: unknown) => {
    dropped = error;
    for (; head < waiting.length; head++) outcomes[waiting[head]!.index] = { error };
  };
  const onFrame = (frame: Frame) => {
    if (dropped !== undefined) return;
    let entry = waiting[head];
    while (entry?.reader.quiet === true && !passesTo(entry.reader, frame)) {
      settle(entry);
      entry = waiting[++head];
    }
    if (entry === undefined) {
      drop(new MemcacheProtocolError(`a ${frame.kind} frame with no request outstanding`));
      return;
    }
    let done: boolean;
    try {
      done = entry.reader.push(frame);
    } catch (error) {
      drop(error);
      return;
    }
    if (done) {
      settle(entry);
      head++;
      // A reply that did not fit its request: the stream is out of step, so it is reset.
      const outcome = outcomes[entry.index]!;
      if ('error' in outcome && outcome.error instanceof MemcacheProtocolError) {
        drop(outcome.error);
        return;
      }
    }
    if (frame.kind === 'error' && frame.reset) drop(frame.error);
  };
  const parser = new ResponseParser();
  try {
    for (const piece of pieces) parser.feed(piece, onFrame);
  } catch (error) {
    drop(error);
  }
  return outcomes;
}

/** Results as plain data, so bytes and Maps compare by content. */
function plain(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('latin1');
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Map) return [...value].map(([name, entry]) => [name, plain(entry)]);
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([name, entry]) => [name, plain(entry)]));
  }
  return value;
}

function keyText(key: Key | Uint8Array): string {
  return typeof key === 'string' ? key : Buffer.from(key).toString('utf8');
}

/**
 * The promise this project makes about a damaged stream: a request may fail, stay pending,
 * or (for replies that carry no key, like STORED) get a sibling's answer, but a value only
 * ever reaches a request that asked for its key (retrievals) or sent its opaque (quiet
 * meta). With `whole`, the value must also be exactly its key's: true when the damage is
 * to words and line ends; a lost or doubled header line can move a data block's boundary
 * when the data itself holds `\r\n` at that spot, which a text protocol cannot notice.
 * Returns what broke the promise.
 */
function misattributed(exchange: Exchange, outcome: Outcome, whole: boolean): string | undefined {
  if ('error' in outcome) {
    return outcome.error instanceof MemcacheError ? undefined : `untyped failure: ${String(outcome.error)}`;
  }
  if (!('value' in outcome)) return undefined;
  const { value } = outcome;
  if (Array.isArray(value)) {
    if (!Array.isArray(exchange.expected)) return 'a retrieval result for a request that is no retrieval';
    const asked = new Set(exchange.request.chunks.join('').trim().split(' ').slice(1));
    for (const hit of value as RetrievedValue[]) {
      const key = keyText(hit.key);
      if (!asked.has(key)) return `the value of ${key}, which was not asked for`;
      if (whole && plain(hit.value) !== plain(storedValue(key))) return `a wrong value for ${key}`;
    }
    return undefined;
  }
  const reply = value as MetaReply | undefined;
  if (exchange.request.reader?.quiet !== true || reply?.value === undefined) return undefined;
  const opaque = opaqueOf(exchange.request);
  if (reply.flags.get('O') !== opaque)
    return `quiet request ${opaque} got the reply of ${reply.flags.get('O')}`;
  if (whole && plain(reply.value) !== plain((exchange.expected as MetaReply).value)) {
    return `quiet request ${opaque} got a wrong value`;
  }
  return undefined;
}

/** Every broken promise in a conversation's outcomes. */
function problemsOf(exchanges: readonly Exchange[], outcomes: readonly Outcome[], whole: boolean): string[] {
  return exchanges
    .map((exchange, index) => misattributed(exchange, outcomes[index]!, whole))
    .filter((problem) => problem !== undefined);
}

describe('parser and readers, fuzzed', () => {
  it(`${RUNS.splits} conversations split at random points all settle exactly as sent`, () => {
    fc.assert(
      fc.property(conversationArbitrary, fc.array(fc.nat(4096), { maxLength: 24 }), (exchanges, offsets) => {
        const { bytes } = streamOf(exchanges);
        const outcomes = dispatch(exchanges, splitAt(bytes, offsets));
        expect(plain(outcomes)).toEqual(plain(exchanges.map((exchange) => ({ value: exchange.expected }))));
      }),
      { numRuns: RUNS.splits, seed: SEED },
    );
  });

  it(`${RUNS.mutations} conversations with damaged words and line ends: typed errors, never a value for the wrong request`, () => {
    const mutation = fc.record({
      site: fc.nat(),
      kind: fc.constantFrom('replace', 'delete', 'insert', 'truncate'),
      byte: fc.integer({ min: 0, max: 255 }),
    });
    fc.assert(
      fc.property(
        conversationArbitrary,
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        fc.array(fc.nat(4096), { maxLength: 8 }),
        (exchanges, mutations, offsets) => {
          const stream = streamOf(exchanges);
          let bytes = Buffer.from(stream.bytes);
          // Apply from the last site back, so earlier positions stay valid.
          const planned = mutations
            .map((change) => ({ ...change, at: stream.sites[change.site % stream.sites.length]! }))
            .sort((a, b) => b.at - a.at);
          for (const change of planned) {
            if (change.kind === 'replace') bytes[change.at] = change.byte;
            else if (change.kind === 'delete')
              bytes = Buffer.concat([bytes.subarray(0, change.at), bytes.subarray(change.at + 1)]);
            else if (change.kind === 'insert') {
              bytes = Buffer.concat([
                bytes.subarray(0, change.at),
                Buffer.from([change.byte]),
                bytes.subarray(change.at),
              ]);
            } else bytes = bytes.subarray(0, change.at);
          }
          expect(problemsOf(exchanges, dispatch(exchanges, splitAt(bytes, offsets)), true)).toEqual([]);
        },
      ),
      { numRuns: RUNS.mutations, seed: SEED + 1 },
    );
  });

  it(`${RUNS.lines} conversations with a reply line lost or doubled: no value reaches a request that did not ask for it`, () => {
    fc.assert(
      fc.property(
        conversationArbitrary,
        fc.nat(),
        fc.boolean(),
        fc.array(fc.nat(4096), { maxLength: 8 }),
        (exchanges, pick, double, offsets) => {
          const stream = streamOf(exchanges);
          const [start, end] = stream.lines[pick % stream.lines.length]!;
          const bytes = Buffer.concat([
            stream.bytes.subarray(0, double ? end : start),
            double ? stream.bytes.subarray(start, end) : new Uint8Array(0),
            stream.bytes.subarray(end),
          ]);
          expect(problemsOf(exchanges, dispatch(exchanges, splitAt(bytes, offsets)), false)).toEqual([]);
        },
      ),
      { numRuns: RUNS.lines, seed: SEED + 2 },
    );
  });
});

// ── the encoder, read back the way memcached reads a command ───────────────────────────────

/** What an encoder call should have put on the wire, if it accepted its input. */
interface Attempt {
  verb: string;
  /** The keys as the server must see them (base64 text for meta `b`). */
  keys: () => Uint8Array[];
  /** Where the keys start among the tokens, and how many tokens may follow them at most. */
  keyAt: number;
  /** The value sent, and the token that announces its length. */
  value?: { bytes: Uint8Array; lengthAt: number };
  encode: () => Chunk[];
}

const asBytes = (key: Key): Uint8Array => (typeof key === 'string' ? Buffer.from(key, 'utf8') : key);
const base64Of = (key: Key): Uint8Array => Buffer.from(Buffer.from(asBytes(key)).toString('base64'));

const fuzzKey: fc.Arbitrary<Key> = fc.oneof(
  fc.string({ maxLength: 260 }),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.uint8Array({ maxLength: 260 }),
  fc.constantFrom('a b', 'k\r\nflush_all', 'x\ndelete y', 'k\0', 'ok', 'noreply', '\u00e9t\u00e9', '\ud800'),
);
const fuzzNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -1, 2 ** 32, 2 ** 32 - 1, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY, 1.5),
);
const fuzzBig = fc.oneof(
  fc.bigInt({ min: -5n, max: 2n ** 65n }),
  fc.integer(),
  fc.constantFrom(2n ** 64n - 1n),
);
const fuzzValue = fc.uint8Array({ maxLength: 40 });
const fuzzToken = fc.oneof(fc.string({ maxLength: 40 }), fc.stringMatching(/^[A-Za-z0-9.]{1,32}$/));

const attemptArbitrary: fc.Arbitrary<Attempt> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('set', 'add', 'replace', 'append', 'prepend'),
      fuzzKey,
      fuzzValue,
      fuzzNumber,
      fuzzNumber,
      fc.boolean(),
    )
    .map(([verb, key, value, flags, exptime, noreply]) => ({
      verb,
      keys: () => [asBytes(key)],
      keyAt: 1,
      value: { bytes: value, lengthAt: 4 },
      encode: () => commands[verb as 'set'].encode(key, value, flags as number, exptime as number, noreply),
    })),
  fc
    .tuple(fuzzKey, fuzzValue, fuzzNumber, fuzzNumber, fuzzBig, fc.boolean())
    .map(([key, value, flags, exptime, cas, noreply]) => ({
      verb: 'cas',
      keys: () => [asBytes(key)],
      keyAt: 1,
      value: { bytes: value, lengthAt: 4 },
      encode: () => commands.cas.encode(key, value, flags, exptime, cas as bigint, noreply),
    })),
  fc.tuple(fc.constantFrom('get', 'gets'), fc.array(fuzzKey, { maxLength: 4 })).map(([verb, keys]) => ({
    verb,
    keys: () => keys.map(asBytes),
    keyAt: 1,
    encode: () => commands[verb as 'get'].encode(keys),
  })),
  fc
    .tuple(fc.constantFrom('gat', 'gats'), fuzzNumber, fc.array(fuzzKey, { maxLength: 4 }))
    .map(([verb, exptime, keys]) => ({
      verb,
      keys: () => keys.map(asBytes),
      keyAt: 2,
      encode: () => commands[verb as 'gat'].encode(exptime, keys),
    })),
  fc.tuple(fuzzKey, fc.boolean()).map(([key, noreply]) => ({
    verb: 'delete',
    keys: () => [asBytes(key)],
    keyAt: 1,
    encode: () => commands.delete.encode(key, noreply),
  })),
  fc
    .tuple(fc.constantFrom('incr', 'decr'), fuzzKey, fuzzBig, fc.boolean())
    .map(([verb, key, delta, noreply]) => ({
      verb,
      keys: () => [asBytes(key)],
      keyAt: 1,
      encode: () => commands[verb as 'incr'].encode(key, delta as bigint, noreply),
    })),
  fc.tuple(fuzzKey, fuzzNumber, fc.boolean()).map(([key, exptime, noreply]) => ({
    verb: 'touch',
    keys: () => [asBytes(key)],
    keyAt: 1,
    encode: () => commands.touch.encode(key, exptime, noreply),
  })),
  fc
    .tuple(
      fuzzKey,
      fc.boolean(),
      fc.option(fuzzToken),
      fc.option(fuzzNumber),
      fc.option(fuzzNumber),
      fc.boolean(),
    )
    .map(([key, base64, opaque, touch, recache, quiet]) => ({
      verb: 'mg',
      keys: () => [base64 ? base64Of(key) : asBytes(key)],
      keyAt: 1,
      encode: () =>
        commands.metaGet.encode(key, {
          base64,
          value: true,
          quiet,
          ...(opaque === null ? {} : { opaque }),
          ...(touch === null ? {} : { touch }),
          ...(recache === null ? {} : { recache }),
        }),
    })),
  fc
    .tuple(
      fuzzKey,
      fuzzValue,
      fc.boolean(),
      fc.option(fuzzNumber),
      fc.option(fuzzBig),
      fc.string({ maxLength: 8 }),
    )
    .map(([key, value, base64, flags, cas, mode]) => ({
      verb: 'ms',
      keys: () => [base64 ? base64Of(key) : asBytes(key)],
      keyAt: 1,
      value: { bytes: value, lengthAt: 2 },
      encode: () =>
        commands.metaSet.encode(key, value, {
          base64,
          ...(flags === null ? {} : { flags }),
          ...(cas === null ? {} : { cas }),
          ...(mode === '' ? {} : { mode: mode as 'set' }),
        }),
    })),
  fc
    .tuple(fuzzKey, fc.boolean(), fc.option(fuzzBig), fc.option(fuzzNumber))
    .map(([key, base64, cas, ttl]) => ({
      verb: 'md',
      keys: () => [base64 ? base64Of(key) : asBytes(key)],
      keyAt: 1,
      encode: () =>
        commands.metaDelete.encode(key, {
          base64,
          ...(cas === null ? {} : { cas }),
          ...(ttl === null ? {} : { ttl }),
        }),
    })),
  fc
    .tuple(fuzzKey, fc.boolean(), fc.option(fuzzBig), fc.option(fuzzBig), fc.option(fuzzNumber))
    .map(([key, base64, delta, initial, vivify]) => ({
      verb: 'ma',
      keys: () => [base64 ? base64Of(key) : asBytes(key)],
      keyAt: 1,
      encode: () =>
        commands.metaArithmetic.encode(key, {
          base64,
          ...(delta === null ? {} : { delta }),
          ...(initial === null ? {} : { initial }),
          ...(vivify === null ? {} : { vivify }),
        }),
    })),
);

/**
 * Reads `bytes` as memcached reads one command: a line of single-space-separated tokens up
 * to the first `\r\n`, then (for storage) exactly the announced data and its `\r\n`. Returns
 * what is wrong with it, or undefined when it is exactly one well-formed command.
 */
function wrongCommand(attempt: Attempt, bytes: Buffer): string | undefined {
  const lineEnd = bytes.indexOf('\r\n');
  if (lineEnd <= 0) return 'no command line';
  const line = bytes.subarray(0, lineEnd);
  for (const byte of line)
    if (byte === 0x0d || byte === 0x0a || byte === 0) return 'a control byte in the line';
  const tokens: Buffer[] = [];
  let start = 0;
  for (let index = 0; index <= line.length; index++) {
    if (index === line.length || line[index] === 0x20) {
      if (index === start) return 'an empty token (two spaces, or a space at an end)';
      tokens.push(line.subarray(start, index));
      start = index + 1;
    }
  }
  if (tokens[0]!.toString('latin1') !== attempt.verb) return `verb ${tokens[0]!.toString('latin1')}`;
  const keys = attempt.keys();
  for (const [index, key] of keys.entries()) {
    const token = tokens[attempt.keyAt + index];
    if (token === undefined || !token.equals(key)) return `key ${index} is not the key given`;
    if (token.length > 250) return 'a key over 250 bytes';
    for (const byte of token) if (byte <= 0x20 || byte === 0x7f) return 'a forbidden byte in a key';
  }
  if (attempt.verb.startsWith('get') || attempt.verb.startsWith('gat')) {
    if (tokens.length !== attempt.keyAt + keys.length) return 'tokens after the keys';
  }
  let rest = bytes.subarray(lineEnd + 2);
  if (attempt.value !== undefined) {
    const announced = tokens[attempt.value.lengthAt]?.toString('latin1');
    if (announced !== String(attempt.value.bytes.length)) return `announced ${announced} bytes`;
    if (!rest.subarray(0, attempt.value.bytes.length).equals(attempt.value.bytes)) return 'the value changed';
    if (rest.subarray(attempt.value.bytes.length).toString('latin1') !== '\r\n')
      return 'bytes after the value';
    rest = rest.subarray(rest.length);
  }
  if (rest.length > 0) return 'a second command';
  // Numbers memcached parses with strtoul/strtoull must be in range.
  for (const token of tokens.slice(attempt.keyAt + keys.length)) {
    const text = token.toString('latin1');
    const digits = /^[A-Z]?(\d+)$/.exec(text)?.[1] ?? /^(-?\d+)$/.exec(text)?.[1];
    if (digits !== undefined && BigInt(digits) > 2n ** 64n - 1n) return `the number ${text} is out of range`;
  }
  return undefined;
}

describe('encoder, fuzzed', () => {
  it(`${RUNS.encoder} random inputs: a MemcacheIllegalInputError, or exactly one well-formed command`, () => {
    let accepted = 0;
    fc.assert(
      fc.property(attemptArbitrary, (attempt) => {
        let chunks: Chunk[];
        try {
          chunks = attempt.encode();
        } catch (error) {
          expect(error).toBeInstanceOf(MemcacheIllegalInputError);
          return;
        }
        accepted++;
        const bytes = Buffer.concat(
          chunks.map((chunk) => (typeof chunk === 'string' ? Buffer.from(chunk) : chunk)),
        );
        expect(wrongCommand(attempt, bytes)).toBeUndefined();
      }),
      { numRuns: RUNS.encoder, seed: SEED + 3 },
    );
    // The generators must reach the wire often, or the property says little.
    expect(accepted).toBeGreaterThan(RUNS.encoder / 10);
  });
});
