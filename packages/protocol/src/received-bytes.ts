import { isAscii as isAsciiBytes } from 'node:buffer';

/**
 * How far past a value the first ASCII check of a chunk looks: far enough that one native scan
 * serves the next hundred small values, near enough that a short text among large binary
 * values in a 64 KiB read is not charged for scanning all of them.
 */
const ASCII_WINDOW = 16 * 1024;

/**
 * Bytes as the parser received them (a chunk, a joined line, a gathered data block), with
 * their ArrayBuffer and offset read once (reading a Buffer's `.buffer` costs more than building
 * a view on it), and which stretch of them is known to be ASCII: the text values of a chunk
 * share that knowledge, so they cost one native scan per window of the chunk, not a check each.
 */
export class ReceivedBytes {
  readonly bytes: Uint8Array;
  readonly #buffer: ArrayBufferLike;
  readonly #offset: number;
  /** `bytes[#asciiStart, #asciiEnd)` is ASCII. */
  #asciiStart = 0;
  #asciiEnd = 0;
  /** A scan met a byte that is not ASCII: later values are decoded on their own. */
  #notAscii = false;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.#buffer = bytes.buffer;
    this.#offset = bytes.byteOffset;
  }

  /** A view of `length` bytes at `start`, built on the ArrayBuffer directly. */
  view(start: number, length: number): Uint8Array {
    return new Uint8Array(this.#buffer, this.#offset + start, length);
  }

  /**
   * True when `bytes[start, end)` is known to be ASCII, scanning natively from `start` when it
   * is not known yet (up to ASCII_WINDOW further, to serve the values that follow). False once
   * a scan of these bytes has met one that is not: the caller then decodes the value itself.
   */
  isAscii(start: number, end: number): boolean {
    if (start >= this.#asciiStart && end <= this.#asciiEnd) return true;
    if (this.#notAscii) return false;
    const to = Math.min(this.bytes.length, Math.max(end, start + ASCII_WINDOW));
    if (isAsciiBytes(this.view(start, to - start))) {
      this.#asciiStart = start;
      this.#asciiEnd = to;
      return true;
    }
    this.#notAscii = true;
    return false;
  }
}
