import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@mc/client';
import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import connect from 'connect';
import type express from 'express';
import session from 'express-session';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MemcachedStore } from './index.js';
import { Browser, SECRET } from './test-support/session-app.js';

let server: MemcachedServer;

beforeAll(async () => {
  server = await startMemcached();
});

afterAll(async () => {
  await server.stop();
});

it('serves sessions to a plain connect app too', async () => {
  const client = new Client(server.address);
  const app = connect();
  // express-session's types name Express's request; connect hands it Node's, which it handles.
  const middleware = session({
    secret: SECRET,
    store: new MemcachedStore({ client }),
    resave: false,
    saveUninitialized: false,
  }) as unknown as connect.NextHandleFunction;
  app.use(middleware);
  app.use((request: http.IncomingMessage, response: http.ServerResponse) => {
    const { session: data } = request as unknown as express.Request;
    data.count = (data.count ?? 0) + 1;
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ count: data.count }));
  });
  const listening = http.createServer(app);
  await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(listening.address() as AddressInfo).port}/`;
    const browser = new Browser();
    expect((await browser.request(url)).body.count).toBe(1);
    expect((await browser.request(url)).body.count).toBe(2);
    expect((await browser.request(url)).body.count).toBe(3);
  } finally {
    listening.closeAllConnections();
    await new Promise<void>((resolve) => listening.close(() => resolve()));
    await client.close();
  }
});
