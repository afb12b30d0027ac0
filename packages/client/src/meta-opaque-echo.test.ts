import { onLines, startFakeServer } from '@mc/test-utils';
import { describe, expect, it } from 'vitest';
import { Client, MemcacheProtocolError } from './index.js';

// memcached echoes the opaque a request sent ("O(token): opaque value, consumes a token and
// copies back with response"); a reply carrying another opaque answers some other request.
async function serverEchoing(opaque: string) {
  return startFakeServer((socket) =>
    onLines(socket, (line) => {
      if (line.startsWith('mg ')) socket.write(`HD O${opaque}\r\n`);
      if (line.startsWith('md ')) socket.write(`HD O${opaque}\r\n`);
      if (line.startsWith('ma ')) socket.write(`VA 1 O${opaque}\r\n7\r\n`);
    }),
  );
}

describe('a reply whose opaque is not the one sent', () => {
  it('metaGet rejects with MemcacheProtocolError instead of resolving the foreign reply', async () => {
    const fake = await serverEchoing('someone-else');
    const client = new Client(fake.address, { timeout: 1000 });
    try {
      await expect(client.metaGet('k', { opaque: 'mine' })).rejects.toBeInstanceOf(MemcacheProtocolError);
    } finally {
      await client.close();
      await fake.close();
    }
  });

  it('metaDelete and metaArithmetic reject as well', async () => {
    const fake = await serverEchoing('someone-else');
    const client = new Client(fake.address, { timeout: 1000 });
    try {
      await expect(client.metaDelete('k', { opaque: 'mine' })).rejects.toBeInstanceOf(MemcacheProtocolError);
      await expect(client.metaArithmetic('k', { opaque: 'mine' })).rejects.toBeInstanceOf(
        MemcacheProtocolError,
      );
    } finally {
      await client.close();
      await fake.close();
    }
  });
});
