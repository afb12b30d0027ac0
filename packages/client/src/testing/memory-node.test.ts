import { commands, type EncodedRequest, type MetaReply } from '@mc/protocol';
import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import { Connection } from '@mc/transport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryNode } from './memory-node.js';
import { MemoryStore } from './memory-store.js';

type Send = <T>(request: EncodedRequest<T>) => Promise<T>;

/** A meta reply with what differs between two honest servers (cas numbers, clock ticks) blurred. */
function normalize(reply: unknown): unknown {
  if (reply === undefined || reply === null || typeof reply !== 'object' || !('code' in reply)) return reply;
  const meta = reply as MetaReply;
  const flags = [...meta.flags].map(([letter, token]) => {
    if (letter === 'c') return 'c*';
    if (letter === 'l') return 'l*';
    // Opaques the encoder generates for quiet requests count up across the test file.
    if (letter === 'O' && token.startsWith('.')) return 'O.*';
    if (letter === 't') return Number(token) > 0 ? 't+' : 't' + token;
    return letter + token;
  });
  return {
    code: meta.code,
    flags,
    value: meta.value === undefined ? undefined : Buffer.from(meta.value).toString('latin1'),
  };
}

/**
 * The meta protocol's stateful rules, as one script of requests whose answers are logged.
 * It runs against a real memcached and a MemoryStore; the two logs must be equal.
 */
async function script(send: Send): Promise<unknown[]> {
  const log: unknown[] = [];
  const step = async <T>(label: string, request: EncodedRequest<T>): Promise<T | undefined> => {
    try {
      const reply = await send(request);
      log.push([label, normalize(reply)]);
      return reply;
    } catch (error) {
      log.push([label, (error as Error).name, (error as Error).message]);
      return undefined;
    }
  };
  // A quiet request's reply may never come, so it travels with an mn that ends it.
  const quietStep = async <T>(label: string, request: EncodedRequest<T>): Promise<void> => {
    const [reply] = await Promise.all([send(request), send(commands.metaNoop.request())]);
    log.push([label, normalize(reply)]);
  };
  const casOf = (reply: MetaReply | undefined) => BigInt(reply?.flags.get('c') ?? '0');
  const { metaGet, metaSet, metaDelete, metaArithmetic, metaNoop } = commands;
  const bytes = (text: string) => Buffer.from(text);

  await step('miss', metaGet.request('k', { value: true }));
  await quietStep('quiet miss', metaGet.request('k', { value: true, quiet: true }));
  const won = await step('vivify', metaGet.request('k', { value: true, cas: true, ttl: true, vivify: 30 }));
  await step('lost', metaGet.request('k', { value: true, cas: true }));
  await step('stale cas', metaSet.request('k', bytes('filled'), { cas: casOf(won) + 1000n }));
  await step(
    'fill',
    metaSet.request('k', bytes('filled'), { cas: casOf(won), ttl: 60, flags: 5, returnCas: true }),
  );
  await step(
    'read all',
    metaGet.request('k', {
      value: true,
      hit: true,
      lastAccess: true,
      size: true,
      flags: true,
      key: true,
      opaque: 'op1',
      ttl: true,
    }),
  );
  await step('hit after read', metaGet.request('k', { hit: true, noBump: true }));
  await step('invalidate', metaDelete.request('k', { invalidate: true, ttl: 30 }));
  await step('stale winner', metaGet.request('k', { value: true }));
  await step('stale loser', metaGet.request('k', { value: true }));
  await step('rewrite', metaSet.request('k', bytes('fresh')));
  await step('fresh', metaGet.request('k', { value: true }));

  await step('short ttl', metaSet.request('r', bytes('v'), { ttl: 10 }));
  await step('recache win', metaGet.request('r', { value: true, recache: 30 }));
  await step('recache lost', metaGet.request('r', { value: true, recache: 30 }));
  await step('long ttl', metaSet.request('r2', bytes('v'), { ttl: 100 }));
  await step('recache not due', metaGet.request('r2', { value: true, recache: 30 }));
  await step('touch', metaGet.request('r2', { ttl: true, touch: 0 }));
  await step('touched', metaGet.request('r2', { ttl: true }));

  await step('add existing', metaSet.request('r2', bytes('x'), { mode: 'add' }));
  await step('replace missing', metaSet.request('nope', bytes('x'), { mode: 'replace' }));
  await step('append', metaSet.request('r2', bytes('>'), { mode: 'append' }));
  await step('prepend', metaSet.request('r2', bytes('<'), { mode: 'prepend' }));
  await step('append missing', metaSet.request('nope', bytes('x'), { mode: 'append' }));
  await step('concatenated', metaGet.request('r2', { value: true }));
  await quietStep('quiet set', metaSet.request('q', bytes('quiet'), { quiet: true }));
  await quietStep('quiet set hit', metaGet.request('q', { value: true, quiet: true }));

  await step('ma missing', metaArithmetic.request('n', {}));
  await step('ma vivify', metaArithmetic.request('n', { vivify: 0, initial: 10, value: true }));
  await step('ma incr', metaArithmetic.request('n', { delta: 5, value: true, returnTtl: true }));
  await step('ma decr', metaArithmetic.request('n', { mode: 'decr', delta: 100, value: true }));
  await step('ma read', metaGet.request('n', { value: true }));
  const counted = await step('ma cas', metaArithmetic.request('n', { returnCas: true, key: true }));
  await step('ma stale cas', metaArithmetic.request('n', { cas: casOf(counted) + 1000n }));

  await step('md missing', metaDelete.request('nope', {}));
  await step('md stale cas', metaDelete.request('n', { cas: 1n << 60n }));
  await quietStep('md quiet', metaDelete.request('n', { quiet: true }));
  await step('md gone', metaGet.request('n', {}));

  const binary = Uint8Array.from([0xff, 0x00, 0x20, 0x0a]);
  await step('base64 set', metaSet.request(binary, bytes('bin'), { base64: true }));
  await step('base64 get', metaGet.request(binary, { base64: true, value: true, key: true }));
  await step('noop', metaNoop.request());

  // Errors come last: a connection that saw CLIENT_ERROR is reopened before the next step.
  await step('ma non-numeric', metaArithmetic.request('r2', {}));
  return log;
}

let server: MemcachedServer;
let connection: Connection;

beforeAll(async () => {
  server = await startMemcached();
  connection = new Connection(server.address);
});

afterAll(async () => {
  await connection?.close();
  await server?.stop();
});

describe('MemoryNode speaks memcached 1.6.18', () => {
  it('answers the meta protocol script as a real memcached does', async () => {
    const real = await script((request) => connection.send(request));
    const node = new MemoryNode(new MemoryStore());
    const memory = await script((request) => node.send(request));
    expect(memory).toEqual(real);
  });
});
