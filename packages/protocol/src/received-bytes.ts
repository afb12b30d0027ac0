import { isAscii } from 'node:buffer';

const UNKNOWN = 0;
const YES = 1;
const NO = 2;

/**
 * Bytes as the parser received them (a chunk, a joined line, a gathered data block), with
 * their ArrayBuffer and offset read once (reading a Buffer's `.buffer` costs more than building
 * a view on it), and whether they are all ASCII once some frame has asked: every value of a
 * chunk shares that one answer, so text values cost one scan of the chunk, not a check each.
 */
export class ReceivedBytes {
  readonly bytes: Uint8Array;
  readonly #buffer: ArrayBufferLike;
  readonly #offset: number;
  #ascii = UNKNOWN;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.#buffer = bytes.buffer;
    this.#offset = bytes.byteOffset;
  }

  /** A view of `length` bytes at `start`, built on the ArrayBuffer directly. */
  view(start: number, length: number): Uint8Array {
    return new Uint8Array(this.#buffer, this.#offset + start, length);
  }

  /** True when every byte is ASCII (checked once, natively, on first asking). */
  isAscii(): boolean {
    if (this.#ascii === UNKNOWN) this.#ascii = isAscii(this.bytes) ? YES : NO;
    return this.#ascii === YES;
  }
}
