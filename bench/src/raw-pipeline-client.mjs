import net from 'node:net';

const CRLF = Buffer.from('\r\n');

/**
 * A deliberately naive pipelined memcached client: one socket, one `write` per request, a FIFO
 * of waiting requests and a parser that re-reads from the start of what it holds. It exists as a
 * yardstick: whatever @mc does beyond "pipeline and parse plainly" has to show up against it.
 *
 *   get(a) get(b) set(c) ──write──▶  memcached
 *   [a, b, c]  ◀── FIFO ──  VALUE a … END │ VALUE b … END │ STORED
 *
 * Values come back as Buffers (it never decodes), so it is binary-safe.
 */
export class RawPipelineClient {
  /** @param {{ host: string, port: number }} server */
  constructor(server) {
    this.socket = net.connect({ host: server.host, port: server.port, noDelay: true });
    /** @type {Array<{ kind: 'get' | 'store', resolve: (value: unknown) => void, reject: (error: Error) => void, values?: Map<string, Buffer> }>} */
    this.waiting = [];
    /** @type {Buffer[]} */
    this.chunks = [];
    this.held = 0;
    this.needed = 1;
    this.closed = false;
    this.socket.on('data', (chunk) => this.receive(chunk));
    this.socket.on('error', (error) => this.fail(error));
    this.socket.on('close', () => this.fail(new Error('connection closed')));
  }

  /** Resolves the value as a Buffer, or undefined on a miss. */
  get(key) {
    return this.request('get', `get ${key}\r\n`).then((values) => values.get(key));
  }

  /** Resolves a Map of the keys that were found. */
  getMulti(keys) {
    return this.request('get', `get ${keys.join(' ')}\r\n`);
  }

  /** Resolves true when memcached said STORED. */
  set(key, value) {
    const bytes = typeof value === 'string' ? Buffer.from(value) : value;
    const frame = Buffer.concat([Buffer.from(`set ${key} 0 0 ${bytes.length}\r\n`), bytes, CRLF]);
    return this.request('store', frame);
  }

  close() {
    this.closed = true;
    return new Promise((resolve) => {
      this.socket.end(() => resolve());
      this.socket.destroy();
    });
  }

  request(kind, frame) {
    if (this.closed) return Promise.reject(new Error('client is closed'));
    return new Promise((resolve, reject) => {
      this.waiting.push({ kind, resolve, reject, values: kind === 'get' ? new Map() : undefined });
      this.socket.write(frame);
    });
  }

  fail(error) {
    this.closed = true;
    for (const request of this.waiting.splice(0)) request.reject(error);
  }

  receive(chunk) {
    this.chunks.push(chunk);
    this.held += chunk.length;
    // A 1 MB value arrives in many chunks: wait until enough bytes are here instead of
    // re-parsing (and re-concatenating) on every chunk.
    if (this.held < this.needed) return;
    const buffer = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.held);
    let offset = 0;
    this.needed = 1;
    while (offset < buffer.length && this.waiting.length > 0) {
      const used = this.parseOne(buffer, offset);
      if (used === 0) break;
      offset += used;
    }
    const rest = buffer.subarray(offset);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.held = rest.length;
  }

  /** Parses one line (and its value block); returns the bytes used, 0 when more must arrive. */
  parseOne(buffer, offset) {
    const end = buffer.indexOf(CRLF, offset);
    if (end < 0) {
      this.needed = buffer.length - offset + 1;
      return 0;
    }
    const line = buffer.toString('latin1', offset, end);
    const request = this.waiting[0];
    if (line.startsWith('VALUE ')) {
      const [, key, , size] = line.split(' ');
      const start = end + 2;
      const stop = start + Number(size);
      if (stop + 2 > buffer.length) {
        this.needed = stop + 2 - offset;
        return 0;
      }
      request.values?.set(key, buffer.subarray(start, stop));
      return stop + 2 - offset;
    }
    this.waiting.shift();
    if (line === 'END') request.resolve(request.values);
    else if (line === 'STORED') request.resolve(true);
    else if (line === 'NOT_STORED') request.resolve(false);
    else request.reject(new Error(`memcached said: ${line}`));
    return end + 2 - offset;
  }
}
