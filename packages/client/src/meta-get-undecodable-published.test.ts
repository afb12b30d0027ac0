import diagnosticsChannel from 'node:diagnostics_channel';
import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Client, type CommandTraceMessage, HashClient, MemcacheDeserializeError } from './index.js';

// README (Errors): "A value the serde cannot decode ... rejects the read with a
// MemcacheDeserializeError naming its key; getMany rejects with that error. With ignoreErrors
// it is a miss instead, so getMany returns the other keys (the error is still published on
// mc:command:error)."
// get/gets/gat/getMany do publish the absorbed error; metaGet and metaGetMany turn it into a
// miss silently, so an undecodable value read through the meta protocol is invisible to tracing.

let server: MemcachedServer;
let writer: Client;

beforeAll(async () => {
  server = await startMemcached();
  writer = new Client(server.address);
});

afterAll(async () => {
  await writer?.close();
  await server?.stop();
});

beforeEach(async () => {
  // Flag 1 (pickle) over bytes that are no pickle at all: no serde can decode this.
  await writer.set('review-g:garbled', Uint8Array.from([0x80, 0x04, 0xff]), { flags: 1 });
  await writer.set('review-g:fine', 'fine');
});

function recordErrors(): { errors: CommandTraceMessage[]; stop(): void } {
  const errors: CommandTraceMessage[] = [];
  const listener = (message: unknown) => errors.push({ ...(message as CommandTraceMessage) });
  diagnosticsChannel.subscribe('mc:command:error', listener);
  return { errors, stop: () => diagnosticsChannel.unsubscribe('mc:command:error', listener) };
}

describe('an undecodable value absorbed by ignoreErrors is still published on mc:command:error', () => {
  it('get publishes it (the reference behaviour)', async () => {
    const client = new Client(server.address, { ignoreErrors: true });
    const recorder = recordErrors();
    try {
      expect(await client.get('review-g:garbled')).toBeUndefined();
    } finally {
      recorder.stop();
      await client.close();
    }
    expect(recorder.errors.map((message) => message.error)).toEqual([expect.any(MemcacheDeserializeError)]);
  });

  it('metaGet publishes it too (Client)', async () => {
    const client = new Client(server.address, { ignoreErrors: true });
    const recorder = recordErrors();
    try {
      expect(await client.metaGet('review-g:garbled', { value: true })).toBeUndefined();
    } finally {
      recorder.stop();
      await client.close();
    }
    expect(recorder.errors.map((message) => message.error)).toEqual([expect.any(MemcacheDeserializeError)]);
  });

  it('metaGetMany publishes it too, and still returns the other keys (HashClient)', async () => {
    const client = new HashClient([server.address], { ignoreErrors: true });
    const recorder = recordErrors();
    let found: Map<string, unknown>;
    try {
      found = await client.metaGetMany(['review-g:garbled', 'review-g:fine'], { value: true });
    } finally {
      recorder.stop();
      await client.close();
    }
    expect([...found.keys()]).toEqual(['review-g:fine']);
    expect(recorder.errors.map((message) => message.error)).toEqual([expect.any(MemcacheDeserializeError)]);
  });
});
