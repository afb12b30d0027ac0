import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from './index.js';

// The client README: "any meta method with `base64: true`: the key travels base64-encoded (flag b)"; a
// base64 string key is the same item as the plain key. memcached 1.6.18 remembers that an
// item was *stored* with a binary key and then echoes `k` base64-encoded, with a `b` flag
// in the reply, to every `mg ... k`, even one that named the key in plain text:
//   ms eGI= 1 b / v   →  HD
//   mg xb k v         →  VA 1 keGI= b
// readMetaFields/checkEcho (protocol/src/read-meta-fields.ts) accept a base64 echo only when
// the *request* was base64, so a plain metaGet with `key: true` of such an item rejects with
// MemcacheProtocolError "the stream is out of step" — about a correct reply from a healthy
// server — and metaGetMany loses every other key of the call with it.
describe('metaGet key echo of an item stored with a base64 key', () => {
  let server: MemcachedServer;
  let client: Client;

  beforeAll(async () => {
    server = await startMemcached();
    client = new Client(server.address, { keyPrefix: 'app:' });
  });
  afterAll(async () => {
    await client.close();
    await server.stop();
  });

  it('a plain metaGet with key: true reads it', async () => {
    await client.metaSet('b64-stored', 'v', { base64: true });
    expect(await client.metaGet('b64-stored', { key: true, value: true })).toMatchObject({
      key: 'b64-stored',
      value: 'v',
    });
  });

  it('metaGetMany with key: true returns it along with plain items', async () => {
    await client.metaSet('b64-a', 'A', { base64: true });
    await client.set('plain-b', 'B');
    const found = await client.metaGetMany(['b64-a', 'plain-b'], { key: true, value: true });
    expect(found.get('b64-a')).toMatchObject({ key: 'b64-a', value: 'A' });
    expect(found.get('plain-b')).toMatchObject({ key: 'plain-b', value: 'B' });
  });
});
