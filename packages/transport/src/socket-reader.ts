import net from 'node:net';

/**
 * The bytes one read may fill at most when they do not go into a data block; also the size
 * of a fresh read buffer (what Node's own reads use).
 */
const READ_BUFFER_BYTES = 64 * 1024;

/** A read buffer with less room than this left is replaced by a fresh one. */
const MIN_READ_BYTES = 16 * 1024;

/**
 * Chooses, read by read, the memory a plain socket (TCP or UNIX) reads into, through Node's
 * `onread` option: while a large value is being gathered the kernel writes it straight into
 * the value's own buffer (`room()`, the parser's `blockRoom()`), so a 1 MB value costs one
 * copy instead of two and no 64 KB buffer per read; everything else is read into a shared
 * buffer that consecutive reads fill one after the other:
 *
 *   socket ─read─► room() ? the value's buffer : the read buffer's free tail ─► deliver(chunk)
 *
 * A chunk is never overwritten once delivered (the next read goes after it, or into a fresh
 * buffer), so the views the parser hands out stay valid for as long as the caller keeps
 * them; a kept view keeps its read buffer (at most 64 KiB) alive, as a view into one of
 * Node's own read buffers does. TLS sockets cannot take `onread` and keep their 'data' events.
 */
export class SocketReader {
  static readonly #readers = new WeakMap<net.Socket, SocketReader>();

  /** Opens a plain socket whose reads this reader places (net.connect with `onread`). */
  static connect(options: net.NetConnectOpts): net.Socket {
    const reader = new SocketReader();
    const socket = net.connect({ ...options, onread: reader.onread });
    SocketReader.#readers.set(socket, reader);
    return socket;
  }

  /** The reader of a socket opened by `connect`; undefined for any other (a TLS socket). */
  static of(socket: net.Socket): SocketReader | undefined {
    return SocketReader.#readers.get(socket);
  }

  #buffer = new Uint8Array(READ_BUFFER_BYTES);
  #used = 0;
  #deliver: ((chunk: Uint8Array) => void) | undefined = undefined;
  #room: () => Uint8Array | undefined = () => undefined;
  /** Chunks read before anyone attached (kept in arrival order). */
  #early: Uint8Array[] = [];

  /** The `onread` option for `net.connect`. */
  readonly onread = {
    buffer: (): Uint8Array => this.#next(),
    callback: (bytesRead: number, target: Uint8Array): boolean => {
      this.#received(bytesRead, target);
      return true; // false would stop reading
    },
  };

  /**
   * Starts delivering the socket's bytes to `deliver`, beginning with any that arrived
   * before; `room` names where the next bytes belong, when they have a place of their own.
   */
  attach(deliver: (chunk: Uint8Array) => void, room: () => Uint8Array | undefined): void {
    this.#deliver = deliver;
    this.#room = room;
    const early = this.#early;
    this.#early = [];
    for (const chunk of early) deliver(chunk);
  }

  #next(): Uint8Array {
    const room = this.#room();
    if (room !== undefined && room.length > 0) return room;
    if (this.#buffer.length - this.#used < MIN_READ_BYTES) {
      this.#buffer = new Uint8Array(READ_BUFFER_BYTES);
      this.#used = 0;
    }
    return new Uint8Array(this.#buffer.buffer, this.#used, this.#buffer.length - this.#used);
  }

  #received(bytesRead: number, target: Uint8Array): void {
    const chunk = new Uint8Array(target.buffer, target.byteOffset, bytesRead);
    if (target.buffer === this.#buffer.buffer) this.#used += bytesRead;
    const deliver = this.#deliver;
    if (deliver === undefined) this.#early.push(chunk);
    else deliver(chunk);
  }
}
