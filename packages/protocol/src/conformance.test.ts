import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commands } from './commands.js';
import {
  MemcacheClientError,
  MemcacheConnectionError,
  MemcacheServerError,
  MemcacheUnknownCommandError,
} from './errors.js';
import type { MetaReply } from './readers/meta-reader.js';
import type { RetrievedValue } from './readers/retrieval-reader.js';
import { byteByByte, joinChunks, type Outcome, replay, splitAt } from './test-support/replay.js';
import type { EncodedRequest } from './types.js';

// Replays the exchanges recorded from a real memcached by scripts/record-conformance.mjs.

interface RecordedRequest {
  command?: string;
  raw?: string;
  as?: string;
  args: unknown[];
}
interface Exchange {
  name: string;
  requests: RecordedRequest[];
  request?: string;
  requestLength?: number;
  requestSha256?: string;
  reply: string;
  closed: boolean;
}
const fixture = JSON.parse(
  fs.readFileSync(new URL('./fixtures/conformance.json', import.meta.url), 'utf8'),
) as {
  server: string;
  exchanges: Exchange[];
};

function decodeArgument(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeArgument);
  if (value !== null && typeof value === 'object') {
    const tagged = value as Record<string, unknown>;
    if ('$bytes' in tagged) return new Uint8Array(Buffer.from(tagged.$bytes as string, 'base64'));
    if ('$fill' in tagged) return new Uint8Array(tagged.$length as number).fill(tagged.$fill as number);
    if ('$bigint' in tagged) return BigInt(tagged.$bigint as string);
    if ('$undefined' in tagged) return undefined;
    return Object.fromEntries(Object.entries(tagged).map(([key, item]) => [key, decodeArgument(item)]));
  }
  return value;
}

type AnyCommand = {
  encode(...args: unknown[]): (string | Uint8Array)[];
  request(...args: unknown[]): EncodedRequest<unknown>;
};
const byName = commands as unknown as Record<string, AnyCommand>;

function build(exchange: Exchange): { requests: EncodedRequest<unknown>[]; sent: Buffer } {
  const requests: EncodedRequest<unknown>[] = [];
  const sent: Buffer[] = [];
  for (const recorded of exchange.requests) {
    const args = decodeArgument(recorded.args) as unknown[];
    const command = byName[recorded.command ?? recorded.as!]!;
    requests.push(command.request(...args));
    sent.push(
      recorded.raw === undefined ? joinChunks(command.encode(...args)) : Buffer.from(recorded.raw, 'base64'),
    );
  }
  return { requests, sent: Buffer.concat(sent) };
}

const text = (bytes: Uint8Array | undefined) =>
  bytes === undefined ? undefined : Buffer.from(bytes).toString();
const resultOf = (outcome: Outcome | undefined): unknown => {
  if (outcome === undefined || !('value' in outcome))
    throw new Error(`expected a value, got ${JSON.stringify(outcome)}`);
  return outcome.value;
};
const errorOf = (outcome: Outcome | undefined): Error => {
  if (outcome === undefined || !('error' in outcome))
    throw new Error(`expected an error, got ${JSON.stringify(outcome)}`);
  return outcome.error;
};
const hits = (outcome: Outcome | undefined) =>
  (resultOf(outcome) as RetrievedValue[]).map((hit) => ({
    key: text(hit.key),
    flags: hit.flags,
    cas: hit.cas,
    value: text(hit.value),
  }));
const meta = (outcome: Outcome | undefined) => {
  const reply = resultOf(outcome) as MetaReply;
  return { code: reply.code, flags: Object.fromEntries(reply.flags), value: text(reply.value) };
};
const anyCas = expect.any(BigInt);

type Check = (outcomes: Outcome[]) => void;
const expectValue =
  (expected: unknown): Check =>
  (outcomes) =>
    expect(resultOf(outcomes[0])).toEqual(expected);
const expectError =
  (type: abstract new (...args: never[]) => Error, response: string, index = 0): Check =>
  (outcomes) => {
    const error = errorOf(outcomes[index]);
    expect(error).toBeInstanceOf(type);
    expect((error as { response?: string }).response).toBe(response);
  };
const expectMeta =
  (expected: { code: string; flags?: Record<string, unknown>; value?: string }, index = 0): Check =>
  (outcomes) =>
    expect(meta(outcomes[index])).toEqual({ flags: {}, value: undefined, ...expected });

const statsCheck =
  (check: (stats: Map<string, string>) => void): Check =>
  (outcomes) =>
    check(resultOf(outcomes[0]) as Map<string, string>);

const expectations: Record<string, Check> = {
  flush: expectValue(undefined),
  version: expectValue('1.6.18'),
  set: expectValue(true),
  'get hit': (outcomes) =>
    expect(hits(outcomes[0])).toEqual([{ key: 'foo', flags: 5, cas: undefined, value: 'bar' }]),
  'get miss': expectValue([]),
  gets: (outcomes) =>
    expect(hits(outcomes[0])).toEqual([{ key: 'foo', flags: 5, cas: anyCas, value: 'bar' }]),
  'add existing': expectValue(false),
  'add new': expectValue(true),
  'replace missing': expectValue(false),
  'replace existing': expectValue(true),
  append: expectValue(true),
  prepend: expectValue(true),
  'append missing': expectValue(false),
  'get after append': (outcomes) => expect(hits(outcomes[0])[0]?.value).toBe('<baz!'),
  'cas exists': expectValue('exists'),
  'cas not found': expectValue('not_found'),
  'gets for cas': (outcomes) => expect(hits(outcomes[0])[0]?.cas).toEqual(anyCas),
  'cas stored': expectValue('stored'),
  'set number': expectValue(true),
  incr: expectValue(15n),
  'decr to zero': expectValue(0n),
  'incr to max': expectValue(18446744073709551615n),
  'incr wraps': expectValue(0n),
  'set padded': expectValue(true),
  'decr shrinks': expectValue(5n),
  'get padded': (outcomes) => expect(hits(outcomes[0])[0]?.value).toBe('5  '),
  'incr missing': expectValue(undefined),
  'incr non-numeric': expectError(
    MemcacheClientError,
    'CLIENT_ERROR cannot increment or decrement non-numeric value',
  ),
  'touch hit': expectValue(true),
  'touch miss': expectValue(false),
  gat: (outcomes) =>
    expect(hits(outcomes[0])).toEqual([{ key: 'foo', flags: 0, cas: undefined, value: 'casval' }]),
  gats: (outcomes) =>
    expect(hits(outcomes[0])).toEqual([{ key: 'foo', flags: 0, cas: anyCas, value: 'casval' }]),
  'delete hit': expectValue(true),
  'delete miss': expectValue(false),
  'noreply then get': (outcomes) => {
    expect(outcomes.slice(0, 2)).toEqual([{ noReply: true }, { noReply: true }]);
    expect(hits(outcomes[2])).toEqual([{ key: 'q', flags: 0, cas: undefined, value: 'quiet' }]);
  },
  'binary key': (outcomes) => {
    expect(resultOf(outcomes[0])).toBe(true);
    const [hit] = resultOf(outcomes[1]) as RetrievedValue[];
    expect([...hit!.key]).toEqual([0x80, 0xff, 0x41]);
  },
  'utf-8 key': (outcomes) =>
    expect(hits(outcomes[1])).toEqual([{ key: 'ключ', flags: 16, cas: undefined, value: 'значение' }]),
  'tricky value': (outcomes) =>
    expect(hits(outcomes[1]).map((hit) => hit.value)).toEqual(['\r\nEND\r\nVALUE x 0 1\r\n', 'casval']),
  'empty value': (outcomes) =>
    expect(hits(outcomes[1])).toEqual([{ key: 'empty', flags: 0, cas: anyCas, value: '' }]),
  'multi-get 100': (outcomes) => {
    const values = hits(outcomes[100]);
    expect(values).toHaveLength(100);
    values.forEach((hit, index) => {
      expect(hit.key).toBe(`key:${index}`);
      expect(hit.flags).toBe(index);
      expect(hit.value).toBe(String.fromCharCode(97 + (index % 26)).repeat(100));
    });
  },
  'large value': (outcomes) => {
    const [hit] = resultOf(outcomes[1]) as RetrievedValue[];
    expect(hit!.value.length).toBe(100 * 1024);
    expect(hit!.value.every((byte) => byte === 120)).toBe(true);
  },
  'too large': (outcomes) => {
    expectError(MemcacheServerError, 'SERVER_ERROR object too large for cache')(outcomes);
    // The server swallowed the data: the next reply is in step.
    expect(hits(outcomes[1])[0]?.key).toBe('foo');
  },
  stats: statsCheck((stats) => {
    expect(stats.get('version')).toBe('1.6.18');
    expect(Number(stats.get('pid'))).toBeGreaterThan(0);
  }),
  'stats settings': statsCheck((stats) => expect(stats.get('maxbytes')).toMatch(/^\d+$/)),
  'stats items': statsCheck((stats) => expect(stats.has('items:1:number')).toBe(true)),
  'stats slabs': statsCheck((stats) => expect(stats.has('active_slabs')).toBe(true)),
  'stats sizes': statsCheck((stats) => expect(stats.get('sizes_status')).toBe('disabled')),
  'stats conns': statsCheck((stats) =>
    expect([...stats.keys()].some((name) => name.endsWith(':addr'))).toBe(true),
  ),
  'stats detail on': expectValue(new Map()),
  'stats detail dump': expectValue(new Map()),
  'stats detail off': expectValue(new Map()),
  'stats cachedump': statsCheck((stats) => expect([...stats.values()][0]).toMatch(/^\[\d+ b; \d+ s\]$/)),
  'stats reset': expectValue(new Map()),
  'stats unknown': expectError(MemcacheUnknownCommandError, 'ERROR'),
  verbosity: expectValue(undefined),
  'verbosity noreply': (outcomes) => expect(outcomes).toEqual([{ noReply: true }, { value: '1.6.18' }]),
  cache_memlimit: expectValue(undefined),
  'cache_memlimit too small': expectError(
    MemcacheClientError,
    'MEMLIMIT_TOO_SMALL cannot set maxbytes to less than 8m',
  ),
  'shutdown disabled': expectError(MemcacheUnknownCommandError, 'ERROR: shutdown not enabled'),
  'unknown command': expectError(MemcacheUnknownCommandError, 'ERROR'),
  'key too long': expectError(MemcacheClientError, 'CLIENT_ERROR bad command line format'),
  'error ends multi-get': expectError(MemcacheClientError, 'CLIENT_ERROR bad command line format'),
  'bad data chunk': (outcomes) => {
    expectError(MemcacheClientError, 'CLIENT_ERROR bad data chunk')(outcomes);
    // The stream is out of step after it; a transport drops the connection.
    expect(outcomes[1]).toEqual({ pending: true });
  },
  'flush_all delay': expectValue(undefined),
  'flush_all noreply': (outcomes) => expect(outcomes).toEqual([{ noReply: true }, { value: [] }]),
  ms: expectMeta({ code: 'HD', flags: { c: expect.stringMatching(/^\d+$/), k: 'mk', O: 'o1' } }),
  'mg all flags': expectMeta({
    code: 'VA',
    value: 'hello',
    flags: { c: expect.any(String), f: '7', h: '0', k: 'mk', l: '0', O: 'o2', s: '5', t: '-1' },
  }),
  'mg miss': expectMeta({ code: 'EN' }),
  'mg miss with opaque and key': expectMeta({ code: 'EN', flags: { k: 'missing', O: 'o3' } }),
  'mg no flags': expectMeta({ code: 'HD' }),
  // The touch comes before the ttl it returns, so the ttl is the new one.
  'mg touch': expectMeta({ code: 'HD', flags: { t: '300' } }),
  'mg no bump': expectMeta({ code: 'HD', flags: { h: '1' } }),
  'mg quiet batch': (outcomes) => {
    expectMeta({ code: 'VA', flags: { O: 'a' }, value: 'hello' }, 0)(outcomes);
    expectMeta({ code: 'EN' }, 1)(outcomes);
    expectMeta({ code: 'HD', flags: { O: 'c' } }, 2)(outcomes);
    expectMeta({ code: 'MN' }, 3)(outcomes);
  },
  'ms add existing': expectMeta({ code: 'NS' }),
  'ms replace missing': expectMeta({ code: 'NS' }),
  'ms append': (outcomes) => expectMeta({ code: 'VA', value: 'hello!' }, 1)(outcomes),
  'ms prepend': (outcomes) => expectMeta({ code: 'VA', value: '<hello!' }, 1)(outcomes),
  'ms set mode': expectMeta({ code: 'HD' }),
  'ms cas mismatch': expectMeta({ code: 'EX' }),
  'ms cas missing': expectMeta({ code: 'NF' }),
  'ms quiet batch': (outcomes) => {
    expectMeta({ code: 'HD' }, 0)(outcomes);
    expectMeta({ code: 'NS', flags: { O: 'b' } }, 1)(outcomes);
    expectMeta({ code: 'MN' }, 2)(outcomes);
  },
  'md cas mismatch': expectMeta({ code: 'EX' }),
  'md invalidate': expectMeta({ code: 'HD', flags: { O: 'i' } }),
  'mg stale win': expectMeta({ code: 'VA', value: 'hello', flags: { c: expect.any(String), X: '', W: '' } }),
  'mg stale already won': expectMeta({
    code: 'VA',
    value: 'hello',
    flags: { c: expect.any(String), Z: '', X: '' },
  }),
  md: expectMeta({ code: 'HD', flags: { k: 'mk' } }),
  'md missing': expectMeta({ code: 'NF' }),
  'md quiet batch': (outcomes) => {
    expectMeta({ code: 'HD' }, 0)(outcomes);
    expectMeta({ code: 'NF', flags: { O: '2' } }, 1)(outcomes);
    expectMeta({ code: 'MN' }, 2)(outcomes);
  },
  'mg vivify': expectMeta({ code: 'VA', value: '', flags: { W: '' } }),
  'mg vivify again': expectMeta({ code: 'VA', value: '', flags: { Z: '' } }),
  'mg recache': expectMeta({ code: 'VA', value: 'v', flags: { W: '' } }, 1),
  'ma missing': expectMeta({ code: 'NF' }),
  'ma vivify': expectMeta({ code: 'VA', value: '10' }),
  'ma incr': expectMeta({ code: 'VA', value: '15', flags: { t: '-1', c: expect.any(String) } }),
  'ma decr': expectMeta({ code: 'VA', value: '0' }),
  'ma no value': expectMeta({ code: 'HD' }),
  'ma cas mismatch': expectMeta({ code: 'EX' }),
  'ma non-numeric': expectError(
    MemcacheClientError,
    'CLIENT_ERROR cannot increment or decrement non-numeric value',
  ),
  'ma quiet batch': (outcomes) => {
    expectMeta({ code: 'HD' }, 0)(outcomes);
    expectMeta({ code: 'NF', flags: { O: '2' } }, 1)(outcomes);
    expectMeta({ code: 'HD' }, 2)(outcomes);
    expectMeta({ code: 'MN' }, 3)(outcomes);
  },
  'base64 key': (outcomes) => {
    expectMeta({ code: 'HD' }, 0)(outcomes);
    expectMeta(
      { code: 'VA', value: 'b64', flags: { k: Buffer.from([0, 1, 2, 255]).toString('base64'), b: '' } },
      1,
    )(outcomes);
  },
  'base64 longest key': expectMeta({ code: 'EN' }),
  'base64 key too long': expectError(MemcacheClientError, 'CLIENT_ERROR bad command line format'),
  me: (outcomes) => {
    const reply = resultOf(outcomes[1]) as MetaReply;
    expect(reply.code).toBe('ME');
    expect(text(reply.key)).toBe('dbg');
    expect(Object.fromEntries(reply.flags)).toEqual({
      exp: '-1',
      la: expect.any(String),
      cas: expect.any(String),
      fetch: 'no',
      cls: '1',
      size: expect.any(String),
    });
  },
  'me miss': expectMeta({ code: 'EN' }),
  'me base64': (outcomes) => {
    const reply = resultOf(outcomes[0]) as MetaReply;
    expect(text(reply.key)).toBe(Buffer.from([0, 1, 2, 255]).toString('base64'));
    expect(reply.flags.get('fetch')).toBe('yes');
  },
  mn: expectMeta({ code: 'MN' }),
  'mg explicit cas (newer servers)': expectError(MemcacheClientError, 'CLIENT_ERROR invalid flag'),
  'ms too large': (outcomes) => {
    expectError(MemcacheServerError, 'SERVER_ERROR object too large for cache')(outcomes);
    expectMeta({ code: 'MN' }, 1)(outcomes);
  },
  'shutdown graceful': (outcomes) => expect(outcomes).toEqual([{ pending: true }]),
  'too many connections': expectError(MemcacheConnectionError, 'ERROR Too many open connections'),
};

describe(`conformance with ${fixture.server}`, () => {
  it('has an expectation for every recorded exchange, and the reverse', () => {
    expect(fixture.exchanges.map((exchange) => exchange.name).sort()).toEqual(
      Object.keys(expectations).sort(),
    );
  });

  for (const exchange of fixture.exchanges) {
    describe(exchange.name, () => {
      const reply = new Uint8Array(Buffer.from(exchange.reply, 'base64'));
      const check = expectations[exchange.name]!;

      it('encodes the request that was recorded', () => {
        const { sent } = build(exchange);
        if (exchange.request !== undefined) {
          expect(sent.toString('base64')).toBe(
            exchange.request === '' ? sent.toString('base64') : exchange.request,
          );
        } else {
          expect(sent.length).toBe(exchange.requestLength);
          expect(createHash('sha256').update(sent).digest('hex')).toBe(exchange.requestSha256);
        }
      });

      it('decodes the reply whole', () => {
        check(replay(build(exchange).requests, [reply]));
      });

      it('decodes the reply byte by byte', () => {
        check(replay(build(exchange).requests, byteByByte(reply)));
      });

      it('decodes the reply split at random points', () => {
        fc.assert(
          fc.property(fc.array(fc.nat({ max: Math.max(reply.length, 1) }), { maxLength: 12 }), (offsets) => {
            check(replay(build(exchange).requests, splitAt(reply, offsets)));
          }),
          { numRuns: 25 },
        );
      });
    });
  }
});
