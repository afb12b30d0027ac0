import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll } from 'vitest';
import { Client } from '../client.js';
import { describeClientConformance } from './describe-client-conformance.js';

let server: MemcachedServer;

beforeAll(async () => {
  server = await startMemcached();
});

afterAll(async () => {
  await server?.stop();
});

describeClientConformance('Client on memcached', (options) => new Client(server.address, options));
