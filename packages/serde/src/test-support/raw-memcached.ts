import net from 'node:net';

/**
 * The two text-protocol commands the serde tests need, over a fresh socket each, so they do
 * not depend on @mc/client: `set` stores bytes and flags, `get` returns them as stored.
 */
export async function rawSet(port: number, key: string, value: Uint8Array, flags: number): Promise<void> {
  const reply = await exchange(
    port,
    [Buffer.from(`set ${key} ${flags} 0 ${value.length}\r\n`), value, Buffer.from('\r\n')],
    (data) => (data.includes('\r\n') ? data.length : -1),
  );
  if (reply.toString('latin1') !== 'STORED\r\n') throw new Error(`set ${key}: ${reply.toString('latin1')}`);
}

export async function rawGet(
  port: number,
  key: string,
): Promise<{ value: Uint8Array; flags: number } | undefined> {
  const reply = await exchange(port, [Buffer.from(`get ${key}\r\n`)], (data) => {
    const text = data.toString('latin1');
    if (text.startsWith('END\r\n')) return 5;
    const header = /^VALUE \S+ (\d+) (\d+)\r\n/.exec(text);
    if (header === null) return -1;
    const total = header[0].length + Number(header[2]) + '\r\nEND\r\n'.length;
    return data.length >= total ? total : -1;
  });
  const header = /^VALUE \S+ (\d+) (\d+)\r\n/.exec(reply.toString('latin1'));
  if (header === null) return undefined;
  const start = header[0].length;
  return {
    flags: Number(header[1]),
    value: new Uint8Array(reply.subarray(start, start + Number(header[2]))),
  };
}

/** Sends the chunks, and resolves once `complete` says how long the whole reply is. */
function exchange(port: number, chunks: Uint8Array[], complete: (data: Buffer) => number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    socket.setTimeout(5000, () => socket.destroy(new Error('memcached did not answer in 5 s')));
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`connection closed after ${data.length} bytes`)));
    socket.on('data', (chunk) => {
      data = Buffer.concat([data, chunk]);
      const length = complete(data);
      if (length >= 0) {
        resolve(data.subarray(0, length));
        socket.end();
      }
    });
    for (const chunk of chunks) socket.write(chunk);
  });
}
