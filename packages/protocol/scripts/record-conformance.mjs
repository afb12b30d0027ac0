#!/usr/bin/env node
// Records real request/reply exchanges with memcached into src/fixtures/conformance.json, so
// the parser and readers can be checked against what the server actually sends. Run it
// again (after `pnpm run build`) whenever the list below changes or the server version does:
//
//   node scripts/record-conformance.mjs
//
// Each exchange is one or more requests written together (pipelined), encoded by this
// package's own encoder unless given `raw` bytes (for requests the encoder refuses to
// build), and the reply bytes received until the connection has been quiet for a moment.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMemcached } from '@mc/test-utils';
import { commands, ResponseParser } from '../dist/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const output = path.join(here, '..', 'src', 'fixtures', 'conformance.json');
const QUIET_MS = 80;
const text = (value) => new TextEncoder().encode(value);
const bytes = (...values) => Uint8Array.from(values);

/** A request: [command name, ...args], or { raw, as: [command name, ...args] }. */
const main = [
  ['flush', ['flushAll', undefined, false]],
  ['version', ['version']],
  ['set', ['set', 'foo', text('bar'), 5, 0, false]],
  ['get hit', ['get', ['foo']]],
  ['get miss', ['get', ['missing']]],
  ['gets', ['gets', ['foo']]],
  ['add existing', ['add', 'foo', text('x'), 0, 0, false]],
  ['add new', ['add', 'new', text('x'), 0, 0, false]],
  ['replace missing', ['replace', 'nokey', text('x'), 0, 0, false]],
  ['replace existing', ['replace', 'foo', text('baz'), 5, 0, false]],
  ['append', ['append', 'foo', text('!'), 0, 0, false]],
  ['prepend', ['prepend', 'foo', text('<'), 0, 0, false]],
  ['append missing', ['append', 'nokey', text('!'), 0, 0, false]],
  ['get after append', ['get', ['foo']]],
  ['cas exists', ['cas', 'foo', text('v'), 0, 0, 999999n, false]],
  ['cas not found', ['cas', 'nokey', text('v'), 0, 0, 1n, false]],
  ['gets for cas', ['gets', ['foo']]],
  ['cas stored', ['cas', 'foo', text('casval'), 0, 0, '$cas', false]],
  ['set number', ['set', 'n', text('10'), 0, 0, false]],
  ['incr', ['incr', 'n', 5n, false]],
  ['decr to zero', ['decr', 'n', 100n, false]],
  ['incr to max', ['incr', 'n', 18446744073709551615n, false]],
  ['incr wraps', ['incr', 'n', 1n, false]],
  ['set padded', ['set', 'p', text('100'), 0, 0, false]],
  ['decr shrinks', ['decr', 'p', 95n, false]],
  ['get padded', ['get', ['p']]],
  ['incr missing', ['incr', 'nokey', 1n, false]],
  ['incr non-numeric', ['incr', 'foo', 1n, false]],
  ['touch hit', ['touch', 'foo', 100, false]],
  ['touch miss', ['touch', 'nokey', 100, false]],
  ['gat', ['gat', 100, ['foo', 'missing']]],
  ['gats', ['gats', 100, ['foo']]],
  ['delete hit', ['delete', 'new', false]],
  ['delete miss', ['delete', 'new', false]],
  ['noreply then get', ['set', 'q', text('quiet'), 0, 0, true], ['delete', 'nokey', true], ['get', ['q']]],
  [
    'binary key',
    ['set', bytes(0x80, 0xff, 0x41), text('bin'), 0, 0, false],
    ['get', [bytes(0x80, 0xff, 0x41)]],
  ],
  ['utf-8 key', ['set', 'ключ', text('значение'), 16, 0, false], ['get', ['ключ']]],
  [
    'tricky value',
    ['set', 'tricky', text('\r\nEND\r\nVALUE x 0 1\r\n'), 0, 0, false],
    ['get', ['tricky', 'foo']],
  ],
  ['empty value', ['set', 'empty', new Uint8Array(0), 0, 0, false], ['gets', ['empty']]],
  [
    'multi-get 100',
    ...Array.from({ length: 100 }, (_, index) => [
      'set',
      `key:${index}`,
      new Uint8Array(100).fill(97 + (index % 26)),
      index,
      0,
      true,
    ]),
    ['get', Array.from({ length: 100 }, (_, index) => `key:${index}`)],
  ],
  ['large value', ['set', 'large', new Uint8Array(100 * 1024).fill(120), 0, 0, false], ['get', ['large']]],
  ['too large', ['set', 'huge', new Uint8Array(2 * 1024 * 1024).fill(121), 0, 0, false], ['get', ['foo']]],
  ['stats', ['stats', []]],
  ['stats settings', ['stats', ['settings']]],
  ['stats items', ['stats', ['items']]],
  ['stats slabs', ['stats', ['slabs']]],
  ['stats sizes', ['stats', ['sizes']]],
  ['stats conns', ['stats', ['conns']]],
  ['stats detail on', ['stats', ['detail', 'on']]],
  ['stats detail dump', ['stats', ['detail', 'dump']]],
  ['stats detail off', ['stats', ['detail', 'off']]],
  ['stats cachedump', ['stats', ['cachedump', '1', '1']]],
  ['stats reset', ['stats', ['reset']]],
  ['stats unknown', ['stats', ['bogus']]],
  ['verbosity', ['verbosity', 1, false]],
  ['verbosity noreply', ['verbosity', 0, true], ['version']],
  ['cache_memlimit', ['cacheMemlimit', 100, false]],
  ['cache_memlimit too small', { raw: 'cache_memlimit 7\r\n', as: ['cacheMemlimit', 8, false] }],
  ['shutdown disabled', ['shutdown', false]],
  ['unknown command', { raw: 'bogus\r\n', as: ['version'] }],
  ['key too long', { raw: `get ${'a'.repeat(251)}\r\n`, as: ['get', ['a']] }],
  ['error ends multi-get', { raw: `get foo ${'a'.repeat(251)}\r\n`, as: ['get', ['a']] }],
  [
    'bad data chunk',
    { raw: 'set k 0 0 1\r\nabc\r\n', as: ['set', 'k', text('a'), 0, 0, false] },
    ['version'],
  ],
  ['flush_all delay', ['flushAll', 0, false]],
  ['flush_all noreply', ['flushAll', undefined, true], ['get', ['foo']]],

  // Meta commands
  ['ms', ['metaSet', 'mk', text('hello'), { flags: 7, ttl: 0, returnCas: true, key: true, opaque: 'o1' }]],
  [
    'mg all flags',
    [
      'metaGet',
      'mk',
      {
        value: true,
        cas: true,
        flags: true,
        ttl: true,
        size: true,
        hit: true,
        lastAccess: true,
        key: true,
        opaque: 'o2',
      },
    ],
  ],
  ['mg miss', ['metaGet', 'missing', { value: true }]],
  ['mg miss with opaque and key', ['metaGet', 'missing', { value: true, opaque: 'o3', key: true }]],
  ['mg no flags', ['metaGet', 'mk', {}]],
  ['mg touch', ['metaGet', 'mk', { touch: 300, ttl: true }]],
  ['mg no bump', ['metaGet', 'mk', { noBump: true, hit: true }]],
  [
    'mg quiet batch',
    ['metaGet', 'mk', { quiet: true, value: true, opaque: 'a' }],
    ['metaGet', 'missing', { quiet: true, value: true, opaque: 'b' }],
    ['metaGet', 'mk', { quiet: true, opaque: 'c' }],
    ['metaNoop'],
  ],
  ['ms add existing', ['metaSet', 'mk', text('x'), { mode: 'add' }]],
  ['ms replace missing', ['metaSet', 'nokey', text('x'), { mode: 'replace' }]],
  ['ms append', ['metaSet', 'mk', text('!'), { mode: 'append' }], ['metaGet', 'mk', { value: true }]],
  ['ms prepend', ['metaSet', 'mk', text('<'), { mode: 'prepend' }], ['metaGet', 'mk', { value: true }]],
  ['ms set mode', ['metaSet', 'mk', text('hello'), { mode: 'set', flags: 1 }]],
  ['ms cas mismatch', ['metaSet', 'mk', text('x'), { cas: 999999n }]],
  ['ms cas missing', ['metaSet', 'nokey', text('x'), { cas: 1n }]],
  [
    'ms quiet batch',
    ['metaSet', 'qa', text('1'), { quiet: true, opaque: 'a' }],
    ['metaSet', 'qb', text('2'), { quiet: true, opaque: 'b', mode: 'replace' }],
    ['metaNoop'],
  ],
  ['md cas mismatch', ['metaDelete', 'mk', { cas: 999999n }]],
  ['md invalidate', ['metaDelete', 'mk', { invalidate: true, ttl: 30, opaque: 'i' }]],
  ['mg stale win', ['metaGet', 'mk', { value: true, cas: true }]],
  ['mg stale already won', ['metaGet', 'mk', { value: true, cas: true }]],
  ['md', ['metaDelete', 'mk', { key: true }]],
  ['md missing', ['metaDelete', 'mk', {}]],
  [
    'md quiet batch',
    ['metaDelete', 'qa', { quiet: true, opaque: '1' }],
    ['metaDelete', 'qa', { quiet: true, opaque: '2' }],
    ['metaNoop'],
  ],
  ['mg vivify', ['metaGet', 'viv', { vivify: 30, value: true }]],
  ['mg vivify again', ['metaGet', 'viv', { vivify: 30, value: true }]],
  ['mg recache', ['metaSet', 'rc', text('v'), { ttl: 10 }], ['metaGet', 'rc', { recache: 30, value: true }]],
  ['ma missing', ['metaArithmetic', 'cnt', {}]],
  ['ma vivify', ['metaArithmetic', 'cnt', { vivify: 0, initial: 10n, value: true }]],
  ['ma incr', ['metaArithmetic', 'cnt', { delta: 5n, value: true, returnTtl: true, returnCas: true }]],
  ['ma decr', ['metaArithmetic', 'cnt', { mode: 'decr', delta: 100n, value: true }]],
  ['ma no value', ['metaArithmetic', 'cnt', {}]],
  ['ma cas mismatch', ['metaArithmetic', 'cnt', { cas: 999999n }]],
  ['ma non-numeric', ['metaArithmetic', 'rc', {}]],
  [
    'ma quiet batch',
    ['metaArithmetic', 'cnt', { quiet: true, opaque: '1' }],
    ['metaArithmetic', 'nocnt', { quiet: true, opaque: '2' }],
    ['metaArithmetic', 'cnt', { quiet: true, opaque: '3', value: true }],
    ['metaNoop'],
  ],
  [
    'base64 key',
    ['metaSet', bytes(0, 1, 2, 255), text('b64'), { base64: true }],
    ['metaGet', bytes(0, 1, 2, 255), { base64: true, value: true, key: true }],
  ],
  ['base64 longest key', ['metaGet', new Uint8Array(186).fill(7), { base64: true, value: true }]],
  [
    'base64 key too long',
    { raw: `mg ${Buffer.alloc(187, 7).toString('base64')} b v\r\n`, as: ['metaGet', 'x', {}] },
  ],
  ['me', ['metaSet', 'dbg', text('v'), {}], ['metaDebug', 'dbg']],
  ['me miss', ['metaDebug', 'missing']],
  ['me base64', ['metaDebug', bytes(0, 1, 2, 255), { base64: true }]],
  ['mn', ['metaNoop']],
  ['mg explicit cas (newer servers)', ['metaGet', 'rc', { explicitCas: 5n }]],
  ['ms too large', ['metaSet', 'huge', new Uint8Array(2 * 1024 * 1024).fill(122), {}], ['metaNoop']],
];

function encodeArgument(value) {
  // Large test values are one byte repeated; keep the fixture small.
  if (value instanceof Uint8Array && value.length > 1024 && value.every((byte) => byte === value[0])) {
    return { $fill: value[0], $length: value.length };
  }
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') };
  if (typeof value === 'bigint') return { $bigint: String(value) };
  if (value === undefined) return { $undefined: true };
  if (Array.isArray(value)) return value.map(encodeArgument);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, encodeArgument(item)]));
  }
  return value;
}

function describeBytes(chunks) {
  const buffer = Buffer.concat(
    chunks.map((chunk) => (typeof chunk === 'string' ? Buffer.from(chunk) : chunk)),
  );
  if (buffer.length <= 64 * 1024) return { bytes: buffer, recorded: { request: buffer.toString('base64') } };
  return {
    bytes: buffer,
    recorded: {
      requestLength: buffer.length,
      requestSha256: createHash('sha256').update(buffer).digest('hex'),
    },
  };
}

function connect(server) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: server.host, port: server.port }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Writes `payload` and collects what comes back until the socket is quiet or closed. */
function exchange(socket, payload) {
  return new Promise((resolve) => {
    const received = [];
    let timer;
    let closed = false;
    const finish = () => {
      socket.off('data', onData);
      socket.off('close', onClose);
      resolve({ reply: Buffer.concat(received), closed });
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(finish, QUIET_MS);
    };
    const onData = (data) => {
      received.push(data);
      arm();
    };
    const onClose = () => {
      closed = true;
      clearTimeout(timer);
      finish();
    };
    socket.on('data', onData);
    socket.on('close', onClose);
    if (payload.length > 0) socket.write(payload);
    arm();
  });
}

async function record(server, list, label) {
  const socket = await connect(server);
  const recorded = [];
  let lastCas;
  for (const [name, ...requests] of list) {
    const entries = [];
    const chunks = [];
    for (const request of requests) {
      if (!Array.isArray(request)) {
        entries.push({
          raw: Buffer.from(request.raw).toString('base64'),
          as: request.as[0],
          args: encodeArgument(request.as.slice(1)),
        });
        chunks.push(Buffer.from(request.raw));
        continue;
      }
      const [command, ...args] = request;
      const resolved = args.map((value) => (value === '$cas' ? lastCas : value));
      entries.push({ command, args: encodeArgument(resolved) });
      chunks.push(...commands[command].encode(...resolved));
    }
    const { bytes: payload, recorded: requestRecord } = describeBytes(chunks);
    const { reply, closed } = await exchange(socket, payload);
    // Remember the cas a `gets` handed out, for the `cas stored` exchange.
    if (name === 'gets for cas') {
      new ResponseParser().feed(reply, (frame) => {
        if (frame.kind === 'value') lastCas = frame.cas;
      });
    }
    recorded.push({
      name,
      server: label,
      requests: entries,
      ...requestRecord,
      reply: reply.toString('base64'),
      closed,
    });
    process.stdout.write(`${label}: ${name} (${reply.length} bytes${closed ? ', closed' : ''})\n`);
  }
  socket.destroy();
  return recorded;
}

const servers = [];
try {
  const primary = await startMemcached();
  servers.push(primary);
  const version = (await exchange(await connect(primary), Buffer.from('version\r\n'))).reply
    .toString()
    .trim();
  const exchanges = await record(primary, main, 'main');

  // A server started with -A honours shutdown: it closes the connection without a reply.
  const stoppable = await startMemcached({ args: ['-A'] });
  servers.push(stoppable);
  exchanges.push(...(await record(stoppable, [['shutdown graceful', ['shutdown', true]]], 'shutdown')));

  // A server at its connection limit greets a new connection with an error and closes it.
  const crowded = await startMemcached({ maxConnections: 16 });
  servers.push(crowded);
  const holders = [];
  let refused;
  for (let attempt = 0; attempt < 40 && !refused; attempt++) {
    const socket = await connect(crowded);
    const { reply, closed } = await exchange(socket, Buffer.alloc(0));
    if (reply.length > 0) refused = { reply, closed };
    else holders.push(socket);
  }
  for (const socket of holders) socket.destroy();
  if (refused) {
    exchanges.push({
      name: 'too many connections',
      server: 'crowded',
      requests: [{ command: 'version', args: [] }],
      request: '',
      reply: refused.reply.toString('base64'),
      closed: refused.closed,
    });
  } else {
    process.stdout.write('crowded: no refusal seen, not recorded\n');
  }

  fs.mkdirSync(path.dirname(output), { recursive: true });
  fs.writeFileSync(
    output,
    `${JSON.stringify({ server: version, recorded: new Date().toISOString().slice(0, 10), exchanges }, null, 1)}\n`,
  );
  process.stdout.write(
    `wrote ${exchanges.length} exchanges from ${version} to ${path.relative(process.cwd(), output)}\n`,
  );
} finally {
  await Promise.all(servers.map((server) => server.stop()));
}
