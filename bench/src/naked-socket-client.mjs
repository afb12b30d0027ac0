import net from 'node:net';

const END = Buffer.from('END\r\n');
const STORED = Buffer.from('STORED\r\n');

/** True when the bytes received so far end with `marker`, looking at the last chunk (and the one before when it is short). */
function endsWith(chunk, previous, marker) {
  let bytes = chunk;
  if (chunk.length < marker.length) {
    if (!previous) return false;
    bytes = Buffer.concat([previous, chunk]);
    if (bytes.length < marker.length) return false;
  }
  const offset = bytes.length - marker.length;
  for (let index = 0; index < marker.length; index++)
    if (bytes[offset + index] !== marker[index]) return false;
  return true;
}

/**
 * The floor under every client: a plain node:net socket that writes the request line and waits
 * for the reply's last bytes (`END\r\n` after a get or a multi-get, `STORED\r\n` after a set),
 * counting bytes and parsing nothing. Whatever a real client costs per call beyond this is
 * its own work; the bench shows it as a baseline, never as a peer.
 *
 * One request at a time: it has no queue, so a second get while one is out is refused.
 * Request lines are built once per key (or batch) and reused, so the measured loop does no
 * string building either.
 */
export class NakedSocketClient {
  /** @param {{ host: string, port: number }} server */
  constructor(server) {
    this.socket = net.connect({ host: server.host, port: server.port, noDelay: true });
    /** @type {{ marker: Buffer, bytes: number, resolve: (bytes: number) => void, reject: (error: Error) => void } | undefined} */
    this.pending = undefined;
    this.previous = undefined;
    /** @type {Map<string, string>} */
    this.lines = new Map();
    /** @type {WeakMap<string[], string>} */
    this.batchLines = new WeakMap();
    this.sets = Promise.resolve();
    this.socket.on('data', (chunk) => this.receive(chunk));
    this.socket.on('error', (error) => this.fail(error));
    this.socket.on('close', () => this.fail(new Error('connection closed')));
  }

  /** Resolves the number of reply bytes, `END\r\n` included (5 means a miss). */
  get(key) {
    let line = this.lines.get(key);
    if (line === undefined) {
      line = `get ${key}\r\n`;
      this.lines.set(key, line);
    }
    return this.send(line, END);
  }

  /** Resolves the number of reply bytes of one `get k1 k2 …` for the whole batch. */
  getMulti(keys) {
    let line = this.batchLines.get(keys);
    if (line === undefined) {
      line = `get ${keys.join(' ')}\r\n`;
      this.batchLines.set(keys, line);
    }
    return this.send(line, END);
  }

  /** Stores a value (only to preload keys; sets are queued one behind the other). */
  set(key, value) {
    const bytes = typeof value === 'string' ? Buffer.from(value) : value;
    const frame = Buffer.concat([
      Buffer.from(`set ${key} 0 0 ${bytes.length}\r\n`),
      bytes,
      Buffer.from('\r\n'),
    ]);
    const stored = this.sets.then(() => this.send(frame, STORED).then(() => true));
    this.sets = stored.catch(() => {});
    return stored;
  }

  send(data, marker) {
    if (this.pending) return Promise.reject(new Error('the naked socket takes one request at a time'));
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending = { marker, bytes: 0, resolve, reject };
      this.previous = undefined;
      this.socket.write(data);
    });
  }

  receive(chunk) {
    const pending = this.pending;
    if (!pending) return;
    pending.bytes += chunk.length;
    if (endsWith(chunk, this.previous, pending.marker)) {
      this.pending = undefined;
      pending.resolve(pending.bytes);
    } else {
      this.previous = chunk;
    }
  }

  fail(error) {
    this.failure ??= error;
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(error);
  }

  close() {
    this.failure ??= new Error('client is closed');
    if (this.socket.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.destroy();
    });
  }
}
