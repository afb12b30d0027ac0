import http from 'node:http';
import { freePort } from './free-port.js';

/** A local HTTP server answering every request with JSON. */
export interface JsonServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Starts a server on a free local port that answers every request with `body()` as JSON: the
 * data source of an app under test, whose answer the test changes between requests.
 */
export async function startJsonServer(body: () => unknown): Promise<JsonServer> {
  const server = http.createServer((_request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify(body()));
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
