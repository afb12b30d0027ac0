import { Client } from '@mc/client';
import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import type { SessionData } from 'express-session';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MemcachedStore } from './index.js';

// memcached's clock ticks in whole seconds, so a TTL of ceil(maxAge / 1000) seconds can end
// up to a second before the cookie does: a session whose cookie lives one second could vanish
// after a few milliseconds. A session must stay readable for as long as its cookie lives.
let server: MemcachedServer;
let client: Client;

beforeAll(async () => {
  server = await startMemcached();
  client = new Client(server.address);
});

afterAll(async () => {
  await client.close();
  await server.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function sessionFor(maxAge: number): SessionData {
  const expires = new Date(Date.now() + maxAge);
  return {
    cookie: { originalMaxAge: maxAge, maxAge, expires, httpOnly: true, path: '/' },
    user: 'ada',
  } as unknown as SessionData;
}

function call<T>(run: (callback: (error: unknown, result?: T) => void) => void): Promise<T | undefined> {
  return new Promise((resolve, reject) => run((error, result) => (error ? reject(error) : resolve(result))));
}

/** Resolves just after memcached's clock (the `time` stat) ticks to its next second. */
async function nextTick(): Promise<void> {
  const first = (await client.stats()).time;
  while ((await client.stats()).time === first) await sleep(5);
}

it('a session lives as long as its cookie, not up to a second less', async () => {
  const store = new MemcachedStore({ client, prefix: `whole-${Date.now()}:` });
  // Stored late in a second of memcached's clock, with a cookie of one second.
  await nextTick();
  await sleep(800);
  await call((done) => store.set('late', sessionFor(1000), done));
  await sleep(300);
  // The cookie has about 700 ms to go.
  expect(await call<SessionData | null>((done) => store.get('late', done))).toMatchObject({ user: 'ada' });
});
