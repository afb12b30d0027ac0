import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import session, { type SessionOptions } from 'express-session';
import type { MemcachedStore } from '../memcached-store.js';

declare module 'express-session' {
  interface SessionData {
    count?: number;
  }
}

export const SECRET = 'test secret, not for production';

/** A running Express app whose sessions live in `store`. */
export interface SessionApp {
  url: string;
  /** Every error that reached Express's error handler (`next(error)`). */
  errors: Array<Error & { code?: string }>;
  close(): Promise<void>;
}

/**
 * Starts a small Express app on a free port: `/count` changes the session, `/peek` only
 * reads it (so express-session touches instead of saving), `/logout` destroys it.
 */
export async function startSessionApp(
  store: MemcachedStore,
  options: Partial<SessionOptions> = {},
): Promise<SessionApp> {
  const app = express();
  app.use(
    session({
      secret: SECRET,
      store,
      resave: false,
      saveUninitialized: false,
      cookie: { maxAge: 100_000 },
      ...options,
    }),
  );
  app.get('/count', (request, response) => {
    request.session.count = (request.session.count ?? 0) + 1;
    response.json({ count: request.session.count, sid: request.sessionID });
  });
  app.get('/peek', (request, response) => {
    response.json({ count: request.session.count ?? null, sid: request.sessionID });
  });
  app.post('/logout', (request, response, next) => {
    request.session.destroy((error) => {
      if (error) next(error);
      else response.json({ destroyed: true });
    });
  });
  const errors: SessionApp['errors'] = [];
  app.use((error: Error & { code?: string }, _request: Request, response: Response, _next: NextFunction) => {
    errors.push(error);
    // A failed save arrives after express-session has begun the response.
    if (!response.headersSent) response.status(500).json({ name: error.name, code: error.code });
  });
  const server = await new Promise<http.Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    errors,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A browser in miniature: keeps the session cookie between requests. */
export class Browser {
  cookie: string | undefined;

  async request(url: string, method = 'GET'): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(url, {
      method,
      headers: this.cookie ? { cookie: this.cookie } : {},
      signal: AbortSignal.timeout(10_000),
    });
    const setCookie = response.headers.getSetCookie().find((line) => line.startsWith('connect.sid='));
    if (setCookie) this.cookie = setCookie.split(';')[0];
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }
}
