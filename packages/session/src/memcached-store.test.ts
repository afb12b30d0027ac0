import { Client, HashClient, longestTtl } from '@mc/client';
import { closedPort, type MemcachedServer, startCluster, startMemcached } from '@mc/test-utils';
import type { SessionData } from 'express-session';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemcachedStore } from './index.js';
import { Browser, type SessionApp, startSessionApp } from './test-support/session-app.js';

let server: MemcachedServer;
let admin: Client;

beforeAll(async () => {
  server = await startMemcached();
  admin = new Client(server.address);
});

afterAll(async () => {
  await admin.close();
  await server.stop();
});

/** Runs `test` against apps that are closed (and their clients too) whatever happens. */
async function withApps(
  stores: Array<{ store: MemcachedStore; client: Client | HashClient; cookie?: { maxAge?: number } }>,
  test: (apps: SessionApp[]) => Promise<void>,
): Promise<void> {
  const apps = await Promise.all(
    stores.map(({ store, cookie }) => startSessionApp(store, cookie ? { cookie } : {})),
  );
  try {
    await test(apps);
  } finally {
    await Promise.all(apps.map((app) => app.close()));
    await Promise.all(stores.map(({ client }) => client.close()));
  }
}

function storeOn(address: string, options: { timeout?: number; connectTimeout?: number } = {}) {
  const client = new Client(address, options);
  return { client, store: new MemcachedStore({ client }) };
}

const ttlOf = async (key: string) => (await admin.metaGet(key, { ttl: true }))?.ttl;

describe('MemcachedStore in a real Express app', () => {
  it('keeps a session across requests through its cookie, for as long as the cookie lives', async () => {
    await withApps([storeOn(server.address)], async ([app]) => {
      const browser = new Browser();
      expect((await browser.request(`${app!.url}/count`)).body.count).toBe(1);
      expect((await browser.request(`${app!.url}/count`)).body.count).toBe(2);
      const { body } = await browser.request(`${app!.url}/count`);
      expect(body.count).toBe(3);

      const stored = JSON.parse(String(await admin.get(`sess:${String(body.sid)}`))) as SessionData;
      expect(stored.count).toBe(3);
      // maxAge 100 000 ms: memcached keeps the session 100 s, and one more for its clock.
      expect(await ttlOf(`sess:${String(body.sid)}`)).toBeGreaterThan(95);
      expect(await ttlOf(`sess:${String(body.sid)}`)).toBeLessThanOrEqual(101);
      // Another browser has its own session.
      expect((await new Browser().request(`${app!.url}/count`)).body.count).toBe(1);
    });
  });

  it('shares sessions between two app instances on one memcached', async () => {
    await withApps([storeOn(server.address), storeOn(server.address)], async ([first, second]) => {
      const browser = new Browser();
      expect((await browser.request(`${first!.url}/count`)).body.count).toBe(1);
      expect((await browser.request(`${second!.url}/count`)).body.count).toBe(2);
      expect((await browser.request(`${first!.url}/count`)).body.count).toBe(3);
      expect((await browser.request(`${second!.url}/peek`)).body.count).toBe(3);
    });
  });

  it("extends an unchanged session with memcached's touch, not a rewrite", async () => {
    await withApps([storeOn(server.address)], async ([app]) => {
      const browser = new Browser();
      const { body } = await browser.request(`${app!.url}/count`);
      const key = `sess:${String(body.sid)}`;
      await admin.touch(key, 5); // as if most of its life had passed
      expect(await ttlOf(key)).toBeLessThanOrEqual(5);
      const before = await admin.metaGet(key, { cas: true });
      const touchesBefore = Number((await admin.stats()).cmd_touch);

      expect((await browser.request(`${app!.url}/peek`)).body.count).toBe(1);

      expect(await ttlOf(key)).toBeGreaterThan(90);
      // Same cas: the item was not written again, only touched.
      expect((await admin.metaGet(key, { cas: true }))?.cas).toBe(before?.cas);
      expect(Number((await admin.stats()).cmd_touch)).toBe(touchesBefore + 1);
    });
  });

  it('removes a destroyed session from memcached', async () => {
    await withApps([storeOn(server.address)], async ([app]) => {
      const browser = new Browser();
      await browser.request(`${app!.url}/count`);
      const { body } = await browser.request(`${app!.url}/count`);
      expect(await admin.get(`sess:${String(body.sid)}`)).toBeDefined();
      expect((await browser.request(`${app!.url}/logout`, 'POST')).body.destroyed).toBe(true);
      expect(await admin.get(`sess:${String(body.sid)}`)).toBeUndefined();
      expect((await browser.request(`${app!.url}/count`)).body.count).toBe(1);
    });
  });

  it('uses the ttl option (seconds) for sessions whose cookie has no expiry', async () => {
    const client = new Client(server.address);
    const store = new MemcachedStore({ client, ttl: 120, prefix: 'app-sessions:' });
    await withApps([{ store, client, cookie: { maxAge: undefined } }], async ([app]) => {
      const { body } = await new Browser().request(`${app!.url}/count`);
      const ttl = await ttlOf(`app-sessions:${String(body.sid)}`);
      expect(ttl).toBeGreaterThan(115);
      expect(ttl).toBeLessThanOrEqual(120);
    });
  });

  it('works over a HashClient', async () => {
    const cluster = await startCluster(2);
    try {
      const client = new HashClient(cluster.map((node) => node.address));
      await withApps([{ client, store: new MemcachedStore({ client }) }], async ([app]) => {
        const browser = new Browser();
        for (let count = 1; count <= 3; count++) {
          expect((await browser.request(`${app!.url}/count`)).body.count).toBe(count);
        }
      });
    } finally {
      await Promise.all(cluster.map((node) => node.stop()));
    }
  });

  it('hands a server that is down to express as an error, without hanging', async () => {
    const { address } = await closedPort();
    await withApps(
      [storeOn(server.address), storeOn(address, { connectTimeout: 500 })],
      async ([working, broken]) => {
        const browser = new Browser();
        await browser.request(`${working!.url}/count`); // a valid signed cookie
        const started = Date.now();
        // Loading the session fails...
        const read = await browser.request(`${broken!.url}/count`);
        expect(read).toEqual({
          status: 500,
          body: { name: 'MemcacheConnectionError', code: 'MC_CONNECTION_ERROR' },
        });
        // ...and so does saving a new one: express-session has sent the page by then (its
        // status is already written), and passes the store's error on to next().
        const write = await new Browser().request(`${broken!.url}/count`);
        expect(write.status).toBe(200);
        // next(error) runs in the turn after the response went out.
        for (let wait = 0; broken!.errors.length < 2 && wait < 100; wait++) {
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        expect(broken!.errors.map((error) => error.code)).toEqual([
          'MC_CONNECTION_ERROR',
          'MC_CONNECTION_ERROR',
        ]);
        expect(Date.now() - started).toBeLessThan(5000);
      },
    );
  });

  it('hands a frozen server to express as a timeout within the deadline', async () => {
    const frozen = await startMemcached();
    try {
      await withApps([storeOn(frozen.address, { timeout: 300 })], async ([app]) => {
        const browser = new Browser();
        await browser.request(`${app!.url}/count`);
        frozen.pause();
        await new Promise((resolve) => setTimeout(resolve, 100)); // SIGSTOP lands asynchronously
        const started = Date.now();
        const { status, body } = await browser.request(`${app!.url}/count`);
        expect(status).toBe(500);
        expect(body.code).toBe('MC_TIMEOUT');
        expect(Date.now() - started).toBeLessThan(3000);
        frozen.resume();
      });
    } finally {
      await frozen.stop();
    }
  });
});

describe('MemcachedStore on its own', () => {
  const call = <T>(run: (callback: (error: unknown, result?: T) => void) => void) =>
    new Promise<T | undefined>((resolve, reject) => {
      run((error, result) => (error ? reject(error) : resolve(result)));
    });

  it('stores, reads, touches and destroys through callbacks', async () => {
    const client = new Client(server.address);
    const store = new MemcachedStore({ client });
    const expires = new Date(Date.now() + 30_000);
    const data = {
      cookie: { expires, originalMaxAge: 30_000 },
      count: 7,
      name: 'Zoë 🎉',
    } as unknown as SessionData;
    await call((callback) => store.set('direct', data, callback));
    const loaded = await call<SessionData | null>((callback) => store.get('direct', callback));
    expect(loaded).toMatchObject({ count: 7, name: 'Zoë 🎉', cookie: { expires: expires.toISOString() } });
    expect(await ttlOf('sess:direct')).toBeGreaterThan(25);

    const later = { ...data, cookie: { expires: new Date(Date.now() + 300_000) } } as unknown as SessionData;
    await call((callback) => store.touch('direct', later, callback));
    expect(await ttlOf('sess:direct')).toBeGreaterThan(295);

    await call((callback) => store.destroy('direct', callback));
    expect(await call((callback) => store.get('direct', callback))).toBeNull();
    await client.close();
  });

  it('keeps a session as long as its cookie lives, 400 days included, and an absurd one until 2038', async () => {
    // Browsers keep cookies for up to 400 days: the session must not expire before its cookie.
    const client = new Client(server.address);
    const store = new MemcachedStore({ client });
    const days400 = 400 * 86_400;
    const data = { cookie: { maxAge: days400 * 1000 }, count: 1 } as unknown as SessionData;
    await call((callback) => store.set('long', data, callback));
    expect(await admin.get('sess:long')).toBeDefined();
    expect(await ttlOf('sess:long')).toBeGreaterThan(days400 - 60);
    expect(await ttlOf('sess:long')).toBeLessThanOrEqual(days400 + 5);
    await admin.touch('sess:long', 5);
    await call((callback) => store.touch('long', data, callback));
    expect(await ttlOf('sess:long')).toBeGreaterThan(days400 - 60);
    const longOption = new MemcachedStore({ client, ttl: days400 });
    await call((callback) => longOption.set('option', {} as SessionData, callback));
    expect(await ttlOf('sess:option')).toBeGreaterThan(days400 - 60);
    const absurd = { cookie: { maxAge: Number.MAX_SAFE_INTEGER }, count: 1 } as unknown as SessionData;
    await call((callback) => store.set('absurd', absurd, callback));
    expect(await ttlOf('sess:absurd')).toBeGreaterThan(longestTtl() - 86_400);
    expect(await ttlOf('sess:absurd')).toBeLessThanOrEqual(longestTtl() + 5);
    await client.close();
  });

  it('removes instead of storing a session whose cookie already expired', async () => {
    const client = new Client(server.address);
    const store = new MemcachedStore({ client });
    await admin.set('sess:expired', '{}');
    const data = { cookie: { expires: new Date(Date.now() - 1000) } } as unknown as SessionData;
    await call((callback) => store.set('expired', data, callback));
    expect(await admin.get('sess:expired')).toBeUndefined();
    await client.close();
  });

  it('lets a ttl function decide, and refuses a ttl that is not a positive number', async () => {
    const client = new Client(server.address);
    const store = new MemcachedStore({
      client,
      ttl: (session) => ((session as { admin?: boolean }).admin ? 60 : 600),
    });
    await call((callback) => store.set('admin', { admin: true } as unknown as SessionData, callback));
    expect(await ttlOf('sess:admin')).toBeLessThanOrEqual(60);
    const broken = new MemcachedStore({
      client,
      ttl: () => {
        throw new Error('no ttl today');
      },
    });
    await expect(call((callback) => broken.set('x', {} as SessionData, callback))).rejects.toThrow(
      'no ttl today',
    );
    await expect(call((callback) => broken.touch('x', {} as SessionData, callback))).rejects.toThrow(
      'no ttl today',
    );
    expect(() => new MemcachedStore({ client, ttl: 0 })).toThrow(TypeError);
    expect(() => new MemcachedStore({ client, ttl: Number.NaN })).toThrow(TypeError);
    expect(() => new MemcachedStore({} as never)).toThrow(TypeError);
    await client.close();
  });
});
