import { Client } from '@mc/client';
import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import session, { type Store } from 'express-session';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MemcachedStore } from './index.js';
import { Browser, startSessionApp } from './test-support/session-app.js';

let server: MemcachedServer;

beforeAll(async () => {
  server = await startMemcached();
});

afterAll(async () => {
  await server.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * rolling: true, resave: false: every response re-sends the cookie with a fresh expiry, and
 * express-session calls store.touch for unchanged sessions. A session kept busy must therefore
 * outlive its first cookie expiry, exactly as it does with express-session's own MemoryStore.
 */
async function busySessionSurvives(store: Store): Promise<unknown> {
  const app = await startSessionApp(store as MemcachedStore, { rolling: true, cookie: { maxAge: 2_000 } });
  try {
    const browser = new Browser();
    expect((await browser.request(`${app.url}/count`)).body.count).toBe(1);
    await sleep(1_200);
    // An unchanged session: express-session touches it and sends a cookie valid 2 s from now.
    expect((await browser.request(`${app.url}/peek`)).body.count).toBe(1);
    await sleep(1_200);
    // 2.4 s after the session was saved, 1.2 s after it was last touched: still alive.
    return (await browser.request(`${app.url}/peek`)).body.count;
  } finally {
    await app.close();
  }
}

it('rolling sessions: MemcachedStore keeps a touched session alive past its first expiry, as MemoryStore does', async () => {
  // express-session's MemoryStore: the touched session is still there.
  expect(await busySessionSurvives(new session.MemoryStore())).toBe(1);
  const client = new Client(server.address, { timeout: 1_000 });
  try {
    expect(await busySessionSurvives(new MemcachedStore({ client }))).toBe(1);
  } finally {
    await client.close();
  }
});
