import { execFileSync } from 'node:child_process';
import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Client, HashClient, MemcacheDeserializeError } from './index.js';
import { MemoryClient } from './testing/index.js';

let server: MemcachedServer;
let strict: Client;
let lenient: Client;

/**
 * A Python `datetime` as pymemcache's pickle serde stores it: Python's own pickle (made by
 * python3's standard library, at pymemcache's HIGHEST_PROTOCOL) under flag 1.
 */
async function storeDatetimeAsPython(key: string): Promise<void> {
  const script =
    'import base64, datetime, pickle, sys\n' +
    'value = datetime.datetime(2024, 1, 2, 3, 4, 5)\n' +
    'sys.stdout.write(base64.b64encode(pickle.dumps(value, pickle.HIGHEST_PROTOCOL)).decode())';
  const pickled = Buffer.from(execFileSync('python3', ['-c', script], { encoding: 'utf8' }), 'base64');
  await strict.set(key, new Uint8Array(pickled), { flags: 1 });
}

beforeAll(async () => {
  server = await startMemcached();
  strict = new Client(server.address);
  lenient = new Client(server.address, { ignoreErrors: true });
});

afterAll(async () => {
  await strict?.close();
  await lenient?.close();
  await server?.stop();
});

beforeEach(async () => {
  await strict.flushAll();
  await storeDatetimeAsPython('when');
  await strict.set('name', 'ada');
  await strict.set('count', 3);
  // Flag 1 (pickle) over bytes that are no pickle at all.
  await strict.set('garbled', Uint8Array.from([0x80, 0x04, 0xff]), { flags: 1 });
});

function expectNamesKey(error: unknown, key: string): void {
  expect(error).toBeInstanceOf(MemcacheDeserializeError);
  expect((error as MemcacheDeserializeError).key).toBe(key);
  expect((error as Error).message).toContain(`"${key}"`);
}

describe('a value the serde cannot decode', () => {
  it('rejects get, gets, gat, gats and metaGet with an error that names the key', async () => {
    const reads: Array<[string, () => Promise<unknown>]> = [
      ['when', () => strict.get('when')],
      ['when', () => strict.gets('when')],
      ['when', () => strict.gat('when', 60)],
      ['garbled', () => strict.gats('garbled', 60)],
      ['garbled', () => strict.metaGet('garbled', { value: true })],
    ];
    for (const [key, read] of reads) {
      expectNamesKey(await read().catch((failure: unknown) => failure), key);
    }
  });

  it('rejects getMany and getsMany with that key’s error when errors are not ignored', async () => {
    const error = await strict.getMany(['name', 'when', 'count']).catch((failure: unknown) => failure);
    expectNamesKey(error, 'when');
    const casError = await strict.getsMany(['garbled', 'name']).catch((failure: unknown) => failure);
    expectNamesKey(casError, 'garbled');
  });

  it('is a miss with ignoreErrors, and getMany still returns the other keys', async () => {
    expect(await lenient.get('when')).toBeUndefined();
    expect(await lenient.gets('garbled')).toBeUndefined();
    expect(await lenient.gat('when', 60)).toBeUndefined();
    expect(await lenient.metaGet('when', { value: true })).toBeUndefined();
    const found = await lenient.getMany(['name', 'when', 'garbled', 'count']);
    expect(found).toEqual(
      new Map<string, unknown>([
        ['name', 'ada'],
        ['count', 3],
      ]),
    );
    const withCas = await lenient.getsMany(['when', 'name']);
    expect([...withCas.keys()]).toEqual(['name']);
    const meta = await lenient.metaGetMany(['when', 'name'], { value: true });
    expect([...meta.keys()]).toEqual(['name']);
  });

  it('rejects only its own caller among gets merged into one line, and is no failure of the node', async () => {
    const keys = ['name', 'garbled', 'count', 'garbled', 'missing', 'name'];
    const outcomes = await Promise.allSettled(keys.map((key) => strict.get(key)));
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    expect(outcomes.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value : undefined))).toEqual([
      'ada',
      undefined,
      3,
      undefined,
      undefined,
      'ada',
    ]);
    expectNamesKey((outcomes[1] as PromiseRejectedResult).reason, 'garbled');
    // A HashClient's node that keeps serving undecodable values is healthy: it stays alive.
    const hashed = new HashClient([server.address], { retryAttempts: 1, failover: true });
    try {
      for (let round = 0; round < 3; round++) {
        const reads = await Promise.allSettled([
          hashed.get('garbled'),
          hashed.gets('garbled'),
          hashed.get('name'),
        ]);
        expect(reads.map((read) => read.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
        expectNamesKey((reads[0] as PromiseRejectedResult).reason, 'garbled');
      }
      expect(await hashed.get('name')).toBe('ada');
    } finally {
      await hashed.close();
    }
  });

  it('names the key in MemoryClient too', async () => {
    const memory = new MemoryClient();
    await memory.set('bad', Uint8Array.from([1, 2]), { flags: 1 });
    expectNamesKey(await memory.get('bad').catch((failure: unknown) => failure), 'bad');
  });
});
