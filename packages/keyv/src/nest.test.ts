// NestJS's cache module over memcached, the way Nest's docs plug in a Keyv store:
// `CacheModule.register({ stores: [new Keyv({ store })] })`, then `CACHE_MANAGER` injected.
import 'reflect-metadata';
import { CACHE_MANAGER, CacheModule } from '@nestjs/cache-manager';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import type { Cache } from 'cache-manager';
import Keyv5 from 'keyv5';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyvMemcached } from './index.js';

type NestStore = NonNullable<Parameters<typeof CacheModule.register>[0]>['stores'];

let server: MemcachedServer;

beforeAll(async () => {
  server = await startMemcached();
});

afterAll(async () => {
  await server.stop();
});

/** One application instance: its own module, its own store and client, the shared memcached. */
async function startApp() {
  class AppModule {}
  // What `@Module({ imports: [...] })` does, without the decorator syntax.
  Module({
    imports: [
      CacheModule.register({
        // Keyv 5, whose raw entries cache-manager 7's `wrap()` reads (see the README).
        stores: new Keyv5({
          store: new KeyvMemcached(server.address),
          namespace: 'nest',
        }) as unknown as NestStore,
        ttl: 60_000,
      }),
    ],
  })(AppModule);
  const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
  return { app, cache: app.get<Cache>(CACHE_MANAGER) };
}

describe("NestJS's CacheModule", () => {
  it('shares entries between two application instances, wraps once, expires and deletes', async () => {
    const first = await startApp();
    const second = await startApp();
    try {
      await first.cache.set('user:1', { name: 'Ada' });
      expect(await second.cache.get('user:1')).toEqual({ name: 'Ada' });

      let loads = 0;
      const load = async () => {
        loads++;
        return { total: 42 };
      };
      expect(await first.cache.wrap('report', load)).toEqual({ total: 42 });
      expect(await second.cache.wrap('report', load)).toEqual({ total: 42 });
      expect(loads).toBe(1);

      await first.cache.set('short', 'lived', 1000);
      expect(await second.cache.get('short')).toBe('lived');
      await new Promise((resolve) => setTimeout(resolve, 2100));
      expect(await second.cache.get('short')).toBeUndefined();

      await second.cache.del('user:1');
      expect(await first.cache.get('user:1')).toBeUndefined();
    } finally {
      await first.app.close();
      await second.app.close();
    }
  });
});
