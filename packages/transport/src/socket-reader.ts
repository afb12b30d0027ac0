import * as net from 'node:net';
import * as workerThreads from 'node:worker_threads';

/**
 * Where every plain socket of the process reads what does not go into a data block. One
 * buffer serves them all: a read's bytes are copied out (exactly, `nread` of them) in the
 * read's own callback, before any other read can happen, so an idle connection holds no read
 * memory and a delivered chunk is never overwritten. 64 KiB per read, as Node's own reads.
 */
const scratch = new Uint8Array(64 * 1024);

/**
 * Reads up to SMALL_READ bytes (a reply to one call at a time) are copied into a slab the
 * whole process shares, as Node's Buffer pool does, instead of into memory of their own: an
 * ArrayBuffer per read costs a malloc, a free and V8's external-memory bookkeeping, about 5%
 * of a sequential get's time. A slab's bytes are never written twice; a full slab is left to
 * whatever chunks still view it, and the next read starts a new one. A kept chunk pins at
 * most one slab (SLAB_BYTES); larger reads get a buffer of their own, exactly sized.
 */
const SMALL_READ = 4 * 1024;
const SLAB_BYTES = 16 * 1024;
let slab = newSlab();
let slabUsed = 0;

/**
 * A slab no caller can take away: a value handed out as a view of it and then transferred
 * (postMessage, structuredClone with `transfer`) is copied instead, as with Node's own pool,
 * rather than detaching the memory later reads go into.
 */
function newSlab(): Uint8Array {
  const bytes = new Uint8Array(SLAB_BYTES);
  // Bun and Deno may lack it; there a detached slab is only replaced (see copyOut).
  workerThreads.markAsUntransferable?.(bytes.buffer);
  return bytes;
}

/** A copy of the shared buffer's first `bytesRead` bytes that no later read overwrites. */
function copyOut(bytesRead: number): Uint8Array {
  if (bytesRead > SMALL_READ) return scratch.slice(0, bytesRead);
  // slab.length, not SLAB_BYTES: a slab detached all the same reads as full.
  if (slabUsed + bytesRead > slab.length) {
    slab = newSlab();
    slabUsed = 0;
  }
  const start = slabUsed;
  slab.set(scratch.subarray(0, bytesRead), start);
  slabUsed = start + bytesRead;
  return new Uint8Array(slab.buffer, start, bytesRead);
}

/**
 * Chooses, read by read, the memory a plain socket (TCP or UNIX) reads into, through Node's
 * `onread` option: while a large value is being gathered the kernel writes it straight into
 * the value's own buffer (`room()`, the parser's `blockRoom()`), so a 1 MB value costs one
 * copy instead of two, no 64 KB buffer per read, and reads as large as the socket holds;
 * anything else is read into a buffer shared by all sockets and copied out at once:
 *
 *   socket ─read─► room() ? the value's buffer ─────────────► deliver(view of it)
 *                          : the shared buffer ─ copy nread ─► deliver(copy: in a shared
 *                                                                     slab when small)
 *
 * TLS sockets cannot take `onread` and keep their 'data' events.
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
    return room !== undefined && room.length > 0 ? room : scratch;
  }

  #received(bytesRead: number, target: Uint8Array): void {
    const chunk =
      target === scratch ? copyOut(bytesRead) : new Uint8Array(target.buffer, target.byteOffset, bytesRead);
    const deliver = this.#deliver;
    if (deliver === undefined) this.#early.push(chunk);
    else deliver(chunk);
  }
}
