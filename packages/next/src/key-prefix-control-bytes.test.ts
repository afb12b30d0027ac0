// The handler checks keyPrefix at construction, and its own error message says the prefix
// must be "a string of at most 40 bytes without spaces or control characters". A prefix
// holding a control byte (0x01, or an ANSI escape 0x1b) is accepted, though: every key the
// handler then builds is refused by the client, so the handler never caches anything and
// only logs "memcached unavailable" warnings, blaming the server for a configuration error.
import { MemcacheIllegalInputError } from '@mc/client';
import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCacheHandler } from './create-cache-handler.js';
import { createUseCacheHandler } from './create-use-cache-handler.js';
import type { GetContext, SetContext } from './next-types.js';

let server: MemcachedServer;

beforeAll(async () => {
  server = await startMemcached();
});

afterAll(async () => {
  await server?.stop();
});

const routeContext = { kind: 'APP_ROUTE', isFallback: false } as unknown as GetContext;
const routeSetContext: SetContext = { cacheControl: { revalidate: 60, expire: undefined } };

describe('keyPrefix with control characters', () => {
  it.each(['next:\u0001', 'next:\u001b[31m'])(
    'createCacheHandler refuses keyPrefix %j at once, as it refuses one with a space',
    (keyPrefix) => {
      expect(() => createCacheHandler({ servers: [server.address], keyPrefix })).toThrow(
        MemcacheIllegalInputError,
      );
    },
  );

  it('createUseCacheHandler refuses a keyPrefix with a control byte at once', () => {
    expect(() => createUseCacheHandler({ servers: [server.address], keyPrefix: 'next:\u0001' })).toThrow(
      MemcacheIllegalInputError,
    );
  });

  it('a handler that accepted such a prefix caches nothing and reports memcached as unavailable', async () => {
    const warnings: string[] = [];
    let Handler: ReturnType<typeof createCacheHandler> | undefined;
    try {
      Handler = createCacheHandler({
        servers: [server.address],
        keyPrefix: 'next:\u0001',
        logger: { warn: (message) => warnings.push(message) },
      });
    } catch (error) {
      // Refusing the prefix up front is the other acceptable outcome.
      expect(error).toBeInstanceOf(MemcacheIllegalInputError);
      return;
    }
    const handler = new Handler();
    const body = { kind: 'APP_ROUTE', body: Buffer.from('hello'), status: 200, headers: {} };
    await handler.set('/route', body as never, routeSetContext);
    const read = await handler.get('/route', routeContext);
    await Handler.close();
    expect({ cached: read !== null, warnings }).toEqual({ cached: true, warnings: [] });
  });
});
