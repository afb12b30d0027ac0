import { ascii, decodeText } from './ascii.js';
import { errorFrame } from './error-frame.js';
import { MemcacheIllegalInputError, MemcacheProtocolError } from './errors.js';
import { DEFAULT_MAX_VALUE_BYTES, MEMCACHED_ITEM_LIMIT } from './item-limits.js';
import { parseUint64 } from './parse-uint64.js';
import { responseCodes } from './response-codes.js';
import { ReceivedBytes } from './received-bytes.js';
import type { Frame, MetaCode, StatusWord } from './types.js';
import { ValueFrame } from './value-frame.js';

const CR = 0x0d;
const LF = 0x0a;
const SPACE = 0x20;
const EQUALS = 0x3d;
const ZERO = 0x30;
const NINE = 0x39;
const V = 0x56;

/**
 * No reply line of memcached comes near this (the longest are `me` and `stats` lines); a
 * stream that goes further without a newline is not memcached talking.
 */
const MAX_LINE_BYTES = 16 * 1024;

/** A data length needs at most 10 digits (the 1 GiB item limit has 10). */
const MAX_LENGTH_DIGITS = 10;

/**
 * The value bytes a data block that spans chunks gets up front, at most (plus its `\r\n`): a
 * value up to 1 MiB is assembled in one exact allocation with one copy, while a header that
 * lies about its length costs no more than this until the bytes really arrive (the buffer
 * then doubles as they do, and takes the announced length once half of it is proven).
 */
const INITIAL_BLOCK_BYTES = 1024 * 1024;

/** Options of a ResponseParser. */
export interface ResponseParserOptions {
  /**
   * The longest value (`VALUE` or `VA` data block) accepted, in bytes; a header announcing
   * more is a MemcacheProtocolError at once, before anything is allocated. Default
   * DEFAULT_MAX_VALUE_BYTES (64 MiB); at most MEMCACHED_ITEM_LIMIT (1 GiB), since no
   * memcached sends more.
   */
  maxValueBytes?: number | undefined;
}

// The words, as bytes, built once.
const WORD = Object.fromEntries(Object.entries(responseCodes).map(([name, word]) => [name, ascii(word)])) as {
  [name in keyof typeof responseCodes]: Uint8Array;
};

// Frames without content, built once and shared: treat frames as read-only.
const END_FRAME: Frame = Object.freeze({ kind: 'end' });
const STATUS_FRAMES: { [status in StatusWord]: Frame } = {
  STORED: Object.freeze({ kind: 'status', status: 'STORED' }),
  NOT_STORED: Object.freeze({ kind: 'status', status: 'NOT_STORED' }),
  EXISTS: Object.freeze({ kind: 'status', status: 'EXISTS' }),
  NOT_FOUND: Object.freeze({ kind: 'status', status: 'NOT_FOUND' }),
  DELETED: Object.freeze({ kind: 'status', status: 'DELETED' }),
  TOUCHED: Object.freeze({ kind: 'status', status: 'TOUCHED' }),
  OK: Object.freeze({ kind: 'status', status: 'OK' }),
  RESET: Object.freeze({ kind: 'status', status: 'RESET' }),
};

/** Meta codes by their two bytes (first * 256 + second). */
const META_CODES = new Map<number, MetaCode>(
  (['VA', 'HD', 'EN', 'NS', 'EX', 'NF', 'MN', 'ME'] as const).map((code) => [
    code.charCodeAt(0) * 256 + code.charCodeAt(1),
    code,
  ]),
);

/** One-letter strings for flag letters, so a flag costs no string building. */
const LETTERS = Array.from({ length: 256 }, (_, code) => String.fromCharCode(code));

const EMPTY = new ReceivedBytes(new Uint8Array(0));

// What the line before a data block announced.
const PENDING_NONE = 0;
const PENDING_VALUE = 1;
const PENDING_META = 2;

/**
 * Cuts memcached replies out of a byte stream, as frames. Feed it whatever the socket
 * delivers; it keeps a cursor into each chunk and hands out `subarray` views, copying only
 * what spans chunks:
 *
 *   chunk 1                         chunk 2
 *   ┌──────────────────────────────┬──────────────────────┐
 *   │VALUE a 0 3\r\nabc\r\nVALUE b │ 0 5\r\nhello\r\nEND\r\n│
 *   └──────────────────────────────┴──────────────────────┘
 *    └─ frame: views into chunk 1    └ "VALUE b" kept (copied) until its line ends
 *
 * A data block is read by its announced length, never searched, so values may contain
 * anything (`\r\nEND\r\n` included). A block that spans chunks is gathered into one buffer
 * that grows as its bytes arrive (never trusting the announced length up front), and a
 * header announcing more than `maxValueBytes` is refused. Anything unparseable throws
 * MemcacheProtocolError; after that the stream position is lost, so discard the parser and
 * the connection.
 */
export class ResponseParser {
  readonly #maxValueBytes: number;
  /** The start of a line whose `\n` has not arrived yet (a copy). */
  #line: Uint8Array | undefined = undefined;
  /** A data block (with its `\r\n`) being gathered across chunks; may be shorter than the block. */
  #block: Uint8Array | undefined = undefined;
  #blockFilled = 0;
  /** The length of the block being gathered, with its `\r\n`. */
  #blockLength = 0;

  // The header of the data block that follows the current line.
  #pending = PENDING_NONE;
  #dataSize = 0;
  #keySource: ReceivedBytes = EMPTY;
  #keyStart = 0;
  #keyLength = 0;
  #valueFlags = 0;
  #valueCas: bigint | undefined = undefined;
  #metaFlags: Map<string, string> = new Map();

  /** The chunk being parsed, which the frames cut from it share. */
  #received: ReceivedBytes = EMPTY;

  constructor(options: ResponseParserOptions = {}) {
    const { maxValueBytes = DEFAULT_MAX_VALUE_BYTES } = options;
    if (!Number.isSafeInteger(maxValueBytes) || maxValueBytes < 0 || maxValueBytes > MEMCACHED_ITEM_LIMIT) {
      throw new MemcacheIllegalInputError(
        `maxValueBytes must be a whole number of bytes from 0 to ${MEMCACHED_ITEM_LIMIT} (memcached's item limit), not ${String(maxValueBytes)}`,
      );
    }
    this.#maxValueBytes = maxValueBytes;
  }

  /** Bytes held while waiting for the rest of a line or data block. */
  get buffered(): number {
    return (this.#line?.length ?? 0) + (this.#block === undefined ? 0 : this.#blockFilled);
  }

  /**
   * Where the next bytes of the stream belong when a data block is being gathered across
   * chunks: a view of the room left in the block's buffer (never past the block's end, so
   * the bytes of the next reply never land in it), or undefined when no block is being
   * gathered or its buffer is full (it grows only as bytes arrive, in `feed`). A reader that
   * receives straight into this view and feeds exactly the bytes received, as a view of
   * that same memory, saves the parser its copy: a large value then costs the one copy that
   * put it there.
   */
  blockRoom(): Uint8Array | undefined {
    const block = this.#block;
    if (block === undefined || this.#blockFilled === block.length) return undefined;
    return new Uint8Array(
      block.buffer,
      block.byteOffset + this.#blockFilled,
      block.length - this.#blockFilled,
    );
  }

  /** Drops anything buffered, for a fresh stream (a new connection). */
  reset(): void {
    this.#line = undefined;
    this.#block = undefined;
    this.#blockFilled = 0;
    this.#pending = PENDING_NONE;
  }

  /**
   * Parses `chunk` (continuing what earlier chunks started) and calls `onFrame` for every
   * complete frame, in order. Views in a frame point into `chunk` when the frame arrived
   * within it.
   */
  feed(chunk: Uint8Array, onFrame: (frame: Frame) => void): void {
    const end = chunk.length;
    this.#received = new ReceivedBytes(chunk);
    let offset = 0;
    if (this.#block !== undefined) {
      offset = this.#fillBlock(chunk, onFrame);
      if (this.#block !== undefined) return;
    } else if (this.#line !== undefined) {
      const newline = chunk.indexOf(LF);
      if (newline === -1) {
        this.#line = joinLine(this.#line, chunk, end, 0);
        return;
      }
      const line = joinLine(this.#line, chunk, newline + 1, 1);
      this.#line = undefined;
      offset = newline + 1;
      if (this.#parseLine(line, 0, line.length - 1, onFrame)) {
        offset = this.#takeBlock(chunk, offset, onFrame);
      }
    }
    while (offset < end) {
      if (chunk[offset] === V) {
        const next = this.#plainValueLine(chunk, offset, end);
        if (next !== -1) {
          offset = this.#takeBlock(chunk, next, onFrame);
          continue;
        }
      }
      let newline = offset;
      while (newline < end && chunk[newline] !== LF) newline++;
      if (newline === end) {
        if (end - offset > MAX_LINE_BYTES) throw lineTooLong();
        this.#line = chunk.slice(offset, end);
        return;
      }
      // The same limit whether or not the line arrived in one chunk.
      if (newline - offset > MAX_LINE_BYTES) throw lineTooLong();
      const hasBlock = this.#parseLine(chunk, offset, newline, onFrame);
      offset = newline + 1;
      if (hasBlock) offset = this.#takeBlock(chunk, offset, onFrame);
    }
  }

  /** `buffer` as received bytes: the current chunk's, or a joined line's or block's own. */
  #receivedOf(buffer: Uint8Array): ReceivedBytes {
    return buffer === this.#received.bytes ? this.#received : new ReceivedBytes(buffer);
  }

  /**
   * A view of `length` bytes at `start`, built on the ArrayBuffer directly: a Buffer's own
   * `subarray` goes through its species constructor and costs several times more.
   */
  #view(buffer: Uint8Array, start: number, length: number): Uint8Array {
    return this.#receivedOf(buffer).view(start, length);
  }

  /** Reads the data block announced by the last line, starting at `offset` of `chunk`. */
  #takeBlock(chunk: Uint8Array, offset: number, onFrame: (frame: Frame) => void): number {
    const size = this.#dataSize;
    const blockEnd = offset + size + 2;
    if (blockEnd <= chunk.length) {
      if (chunk[blockEnd - 2] !== CR || chunk[blockEnd - 1] !== LF) throw badBlockEnd(chunk, blockEnd);
      this.#emitBlock(this.#received, offset, size, onFrame);
      return blockEnd;
    }
    // The header's length is not trusted with memory: start with what is here (or a common
    // size) and grow as the bytes arrive.
    const available = chunk.length - offset;
    const block = blockBuffer(Math.min(size + 2, Math.max(INITIAL_BLOCK_BYTES + 2, available * 2)));
    block.set(this.#view(chunk, offset, available));
    this.#block = block;
    this.#blockFilled = available;
    this.#blockLength = size + 2;
    return chunk.length;
  }

  /** Continues gathering a data block that spans chunks; answers how much of `chunk` it used. */
  #fillBlock(chunk: Uint8Array, onFrame: (frame: Frame) => void): number {
    let block = this.#block!;
    const length = this.#blockLength;
    const used = Math.min(length - this.#blockFilled, chunk.length);
    if (this.#blockFilled + used > block.length) {
      // Double as the bytes arrive, but once half the block is here take it all: the bytes
      // are proven, and the last doubling would copy the value once more for nothing.
      let capacity = Math.max(block.length * 2, this.#blockFilled + used);
      if (capacity * 2 >= length) capacity = length;
      const grown = blockBuffer(capacity);
      grown.set(new Uint8Array(block.buffer, block.byteOffset, this.#blockFilled));
      block = grown;
      this.#block = grown;
    }
    // A chunk received into blockRoom() is already in place.
    if (chunk.buffer !== block.buffer || chunk.byteOffset !== block.byteOffset + this.#blockFilled) {
      block.set(used === chunk.length ? chunk : this.#view(chunk, 0, used), this.#blockFilled);
    }
    this.#blockFilled += used;
    if (this.#blockFilled === length) {
      this.#block = undefined;
      this.#blockFilled = 0;
      if (block[block.length - 2] !== CR || block[block.length - 1] !== LF) {
        throw badBlockEnd(block, block.length);
      }
      this.#emitBlock(new ReceivedBytes(block), 0, block.length - 2, onFrame);
    }
    return used;
  }

  #emitBlock(source: ReceivedBytes, start: number, size: number, onFrame: (frame: Frame) => void): void {
    const pending = this.#pending;
    this.#pending = PENDING_NONE;
    if (pending === PENDING_VALUE) {
      onFrame(
        new ValueFrame(
          this.#keySource,
          this.#keyStart,
          this.#keyLength,
          this.#valueFlags,
          this.#valueCas,
          source,
          start,
          size,
        ),
      );
    } else {
      onFrame({ kind: 'meta', code: 'VA', flags: this.#metaFlags, data: source.view(start, size) });
    }
  }

  /**
   * Parses the line `buffer[start, newline)` (`newline` is the index of its `\n`). Emits its
   * frame, or answers true when a data block follows (its header kept in the fields).
   */
  #parseLine(buffer: Uint8Array, start: number, newline: number, onFrame: (frame: Frame) => void): boolean {
    const end = newline - 1; // the index of '\r'
    if (end < start || buffer[end] !== CR)
      throw garbage('a line not ended by \\r\\n', buffer, start, newline);
    if (end === start) throw garbage('an empty line', buffer, start, end);
    const first = buffer[start]!;
    switch (first) {
      case 0x56: // V
        if (startsWithWord(buffer, start, end, WORD.VALUE)) return this.#valueHeader(buffer, start, end);
        if (startsWithWord(buffer, start, end, WORD.VERSION)) {
          onFrame({ kind: 'version', version: decodeText(buffer, start + WORD.VERSION.length + 1, end) });
          return false;
        }
        break;
      case 0x45: // E
        if (isWord(buffer, start, end, WORD.END)) {
          onFrame(END_FRAME);
          return false;
        }
        if (isWord(buffer, start, end, WORD.EXISTS)) {
          onFrame(STATUS_FRAMES.EXISTS);
          return false;
        }
        if (startsWith(buffer, start, end, WORD.ERROR)) return this.#error(buffer, start, end, onFrame);
        break;
      case 0x53: // S
        if (isWord(buffer, start, end, WORD.STORED)) {
          onFrame(STATUS_FRAMES.STORED);
          return false;
        }
        if (startsWithWord(buffer, start, end, WORD.STAT)) {
          this.#stat(buffer, start + WORD.STAT.length + 1, end, onFrame);
          return false;
        }
        if (startsWith(buffer, start, end, WORD.SERVER_ERROR))
          return this.#error(buffer, start, end, onFrame);
        break;
      case 0x4e: // N
        if (isWord(buffer, start, end, WORD.NOT_FOUND)) {
          onFrame(STATUS_FRAMES.NOT_FOUND);
          return false;
        }
        if (isWord(buffer, start, end, WORD.NOT_STORED)) {
          onFrame(STATUS_FRAMES.NOT_STORED);
          return false;
        }
        break;
      case 0x44: // D
        if (isWord(buffer, start, end, WORD.DELETED)) {
          onFrame(STATUS_FRAMES.DELETED);
          return false;
        }
        break;
      case 0x54: // T
        if (isWord(buffer, start, end, WORD.TOUCHED)) {
          onFrame(STATUS_FRAMES.TOUCHED);
          return false;
        }
        break;
      case 0x4f: // O
        if (isWord(buffer, start, end, WORD.OK)) {
          onFrame(STATUS_FRAMES.OK);
          return false;
        }
        break;
      case 0x52: // R
        if (isWord(buffer, start, end, WORD.RESET)) {
          onFrame(STATUS_FRAMES.RESET);
          return false;
        }
        break;
      case 0x43: // C
        if (startsWith(buffer, start, end, WORD.CLIENT_ERROR))
          return this.#error(buffer, start, end, onFrame);
        break;
      case 0x4d: // M
        if (startsWith(buffer, start, end, WORD.MEMLIMIT_TOO_SMALL))
          return this.#error(buffer, start, end, onFrame);
        if (startsWith(buffer, start, end, WORD.MEMLIMIT_ADJUST_FAILED)) {
          return this.#error(buffer, start, end, onFrame);
        }
        break;
      case 0x49: // I
        if (startsWithWord(buffer, start, end, WORD.ITEM)) {
          this.#stat(buffer, start + WORD.ITEM.length + 1, end, onFrame);
          return false;
        }
        break;
      case 0x50: // P
        if (startsWithWord(buffer, start, end, WORD.PREFIX)) {
          this.#stat(buffer, start + WORD.PREFIX.length + 1, end, onFrame);
          return false;
        }
        break;
      default:
        if (first >= ZERO && first <= NINE) {
          this.#number(buffer, start, end, onFrame);
          return false;
        }
    }
    // The two-letter meta codes: "XX" alone or followed by a space.
    if (end - start === 2 || (end - start > 2 && buffer[start + 2] === SPACE)) {
      const code = META_CODES.get(first * 256 + buffer[start + 1]!);
      if (code !== undefined) return this.#meta(code, buffer, start, end, onFrame);
    }
    throw garbage('an unknown reply line', buffer, start, end);
  }

  /**
   * `VALUE <key> <flags> <bytes> [<cas unique>]\r\n` read in one pass, without first searching
   * the line for its end: the header of almost every hit. Answers the offset past its `\n`, or
   * -1 for anything else (a line cut by the chunk's end, an odd or malformed one), which
   * #parseLine then reads, or refuses, as usual.
   */
  #plainValueLine(chunk: Uint8Array, start: number, end: number): number {
    if (!startsWithWord(chunk, start, end, WORD.VALUE)) return -1;
    let position = start + 6;
    const keyStart = position;
    while (position < end && chunk[position]! > SPACE) position++;
    if (position === keyStart || position >= end || chunk[position] !== SPACE) return -1;
    const keyEnd = position++;
    let flags = 0;
    const flagsStart = position;
    for (; position < end; position++) {
      const byte = chunk[position]!;
      if (byte < ZERO || byte > NINE) break;
      flags = flags * 10 + (byte - ZERO);
    }
    if (position === flagsStart || position - flagsStart > 10 || flags > 0xffffffff) return -1;
    if (position >= end || chunk[position] !== SPACE) return -1;
    let size = 0;
    const sizeStart = ++position;
    for (; position < end; position++) {
      const byte = chunk[position]!;
      if (byte < ZERO || byte > NINE) break;
      size = size * 10 + (byte - ZERO);
    }
    if (position === sizeStart || position - sizeStart > MAX_LENGTH_DIGITS || size > this.#maxValueBytes)
      return -1;
    let cas: bigint | undefined;
    if (position < end && chunk[position] === SPACE) {
      const casStart = ++position;
      while (position < end && chunk[position]! >= ZERO && chunk[position]! <= NINE) position++;
      cas = parseUint64(chunk, casStart, position);
      if (cas === undefined) return -1;
    }
    if (position + 1 >= end || chunk[position] !== CR || chunk[position + 1] !== LF) return -1;
    this.#pending = PENDING_VALUE;
    this.#dataSize = size;
    this.#keySource = this.#received;
    this.#keyStart = keyStart;
    this.#keyLength = keyEnd - keyStart;
    this.#valueFlags = flags;
    this.#valueCas = cas;
    return position + 2;
  }

  /** `VALUE <key> <flags> <bytes> [<cas unique>]` */
  #valueHeader(buffer: Uint8Array, start: number, end: number): boolean {
    const keyStart = start + 6;
    let position = keyStart;
    while (position < end && buffer[position] !== SPACE) position++;
    if (position === keyStart || position === end) throw garbage('a bad VALUE line', buffer, start, end);
    const keyEnd = position;

    // flags: an unsigned 32-bit decimal
    let flags = 0;
    const flagsStart = ++position;
    for (; position < end; position++) {
      const byte = buffer[position]!;
      if (byte === SPACE) break;
      if (byte < ZERO || byte > NINE) throw garbage('a bad VALUE line', buffer, start, end);
      flags = flags * 10 + (byte - ZERO);
    }
    if (position === flagsStart || position === end || position - flagsStart > 10 || flags > 0xffffffff) {
      throw garbage('a bad VALUE line', buffer, start, end);
    }

    // bytes
    let size = 0;
    const sizeStart = ++position;
    for (; position < end; position++) {
      const byte = buffer[position]!;
      if (byte === SPACE) break;
      if (byte < ZERO || byte > NINE) throw garbage('a bad VALUE line', buffer, start, end);
      size = size * 10 + (byte - ZERO);
    }
    if (position === sizeStart || position - sizeStart > MAX_LENGTH_DIGITS) {
      throw garbage('a bad VALUE line', buffer, start, end);
    }
    if (size > this.#maxValueBytes) throw this.#tooLarge('VALUE', size, buffer, start, end);

    // cas unique, from gets and gats
    let cas: bigint | undefined;
    if (position < end) {
      cas = parseUint64(buffer, position + 1, end);
      if (cas === undefined) throw garbage('a bad VALUE line', buffer, start, end);
    }

    this.#pending = PENDING_VALUE;
    this.#dataSize = size;
    this.#keySource = this.#receivedOf(buffer);
    this.#keyStart = keyStart;
    this.#keyLength = keyEnd - keyStart;
    this.#valueFlags = flags;
    this.#valueCas = cas;
    return true;
  }

  #tooLarge(
    header: string,
    size: number,
    buffer: Uint8Array,
    start: number,
    end: number,
  ): MemcacheProtocolError {
    const response = decodeText(buffer, start, Math.min(end, start + 200));
    return new MemcacheProtocolError(
      `memcached announced a ${header} block of ${size} bytes, above maxValueBytes (${this.#maxValueBytes})`,
      { response },
    );
  }

  /** `STAT <name> <value>` (and the ITEM / PREFIX lines): `start` is past the first word. */
  #stat(buffer: Uint8Array, start: number, end: number, onFrame: (frame: Frame) => void): void {
    let position = start;
    while (position < end && buffer[position] !== SPACE) position++;
    if (position === start) throw garbage('a bad STAT line', buffer, start, end);
    const name = decodeText(buffer, start, position);
    const value = position < end ? decodeText(buffer, position + 1, end) : '';
    onFrame({ kind: 'stat', name, value });
  }

  /** The incr/decr answer: digits, maybe followed by padding spaces. */
  #number(buffer: Uint8Array, start: number, end: number, onFrame: (frame: Frame) => void): void {
    let digitsEnd = start;
    while (digitsEnd < end && buffer[digitsEnd]! >= ZERO && buffer[digitsEnd]! <= NINE) digitsEnd++;
    for (let position = digitsEnd; position < end; position++) {
      if (buffer[position] !== SPACE) throw garbage('an unknown reply line', buffer, start, end);
    }
    const value = parseUint64(buffer, start, digitsEnd);
    if (value === undefined) throw garbage('a number out of range', buffer, start, end);
    onFrame({ kind: 'number', value });
  }

  #error(buffer: Uint8Array, start: number, end: number, onFrame: (frame: Frame) => void): false {
    onFrame(errorFrame(decodeText(buffer, start, end)));
    return false;
  }

  /** `XX <flags>*`, `VA <size> <flags>*` or `ME <key> <name>=<value>*`. */
  #meta(
    code: MetaCode,
    buffer: Uint8Array,
    start: number,
    end: number,
    onFrame: (frame: Frame) => void,
  ): boolean {
    let position = start + 3;
    if (code === 'ME') return this.#metaDebug(buffer, start, end, onFrame);
    let size = 0;
    if (code === 'VA') {
      const sizeStart = position;
      for (; position < end; position++) {
        const byte = buffer[position]!;
        if (byte === SPACE) break;
        if (byte < ZERO || byte > NINE) throw garbage('a bad VA line', buffer, start, end);
        size = size * 10 + (byte - ZERO);
      }
      if (position === sizeStart || position - sizeStart > MAX_LENGTH_DIGITS) {
        throw garbage('a bad VA line', buffer, start, end);
      }
      if (size > this.#maxValueBytes) throw this.#tooLarge('VA', size, buffer, start, end);
      position++;
    }
    const flags = new Map<string, string>();
    while (position < end) {
      const tokenStart = position;
      while (position < end && buffer[position] !== SPACE) position++;
      if (position === tokenStart) throw garbage(`a bad ${code} line`, buffer, start, end);
      flags.set(LETTERS[buffer[tokenStart]!]!, decodeText(buffer, tokenStart + 1, position));
      position++;
    }
    if (code === 'VA') {
      this.#pending = PENDING_META;
      this.#dataSize = size;
      this.#metaFlags = flags;
      return true;
    }
    onFrame({ kind: 'meta', code, flags, data: undefined });
    return false;
  }

  /** `ME <key> <name>=<value>*`: the debug pairs go in `flags`, the key in `key`. */
  #metaDebug(buffer: Uint8Array, start: number, end: number, onFrame: (frame: Frame) => void): false {
    let position = start + 3;
    const keyStart = position;
    while (position < end && buffer[position] !== SPACE) position++;
    if (position === keyStart) throw garbage('a bad ME line', buffer, start, end);
    const key = buffer.subarray(keyStart, position);
    const flags = new Map<string, string>();
    position++;
    while (position < end) {
      const tokenStart = position;
      let equals = -1;
      while (position < end && buffer[position] !== SPACE) {
        if (equals === -1 && buffer[position] === EQUALS) equals = position;
        position++;
      }
      if (equals <= tokenStart) throw garbage('a bad ME line', buffer, start, end);
      flags.set(decodeText(buffer, tokenStart, equals), decodeText(buffer, equals + 1, position));
      position++;
    }
    onFrame({ kind: 'meta', code: 'ME', flags, data: undefined, key });
    return false;
  }
}

/** True when the line is exactly `word`. */
function isWord(buffer: Uint8Array, start: number, end: number, word: Uint8Array): boolean {
  return end - start === word.length && startsWith(buffer, start, end, word);
}

/** True when the line starts with `word` followed by a space. */
function startsWithWord(buffer: Uint8Array, start: number, end: number, word: Uint8Array): boolean {
  return (
    end - start > word.length && buffer[start + word.length] === SPACE && startsWith(buffer, start, end, word)
  );
}

function startsWith(buffer: Uint8Array, start: number, end: number, word: Uint8Array): boolean {
  if (end - start < word.length) return false;
  for (let index = 0; index < word.length; index++) {
    if (buffer[start + index] !== word[index]) return false;
  }
  return true;
}

/**
 * Room for a data block, not zero-filled: every byte is written from the stream before any
 * of it is handed out, and clearing a megabyte first costs about as much as copying it. A
 * plain Uint8Array over its own memory (not pooled), like the views of small values.
 */
function blockBuffer(length: number): Uint8Array {
  // Below this, clearing costs less than the native detour of an uncleared allocation.
  if (length < UNCLEARED_BLOCK_BYTES) return new Uint8Array(length);
  return new Uint8Array(Buffer.allocUnsafeSlow(length).buffer, 0, length);
}

const UNCLEARED_BLOCK_BYTES = 64 * 1024;

/**
 * Joins a held partial line with the first `length` bytes of the next chunk, `newline` of
 * them (0 or 1) the line's end: the limit counts the bytes before the `\n`, as for a line
 * that arrives whole, so every split of the same bytes gets the same answer.
 */
function joinLine(held: Uint8Array, chunk: Uint8Array, length: number, newline: number): Uint8Array {
  if (held.length + length - newline > MAX_LINE_BYTES) throw lineTooLong();
  const line = new Uint8Array(held.length + length);
  line.set(held);
  line.set(length === chunk.length ? chunk : chunk.subarray(0, length), held.length);
  return line;
}

function lineTooLong(): MemcacheProtocolError {
  return new MemcacheProtocolError(`memcached sent more than ${MAX_LINE_BYTES} bytes without a line end`);
}

function badBlockEnd(buffer: Uint8Array, blockEnd: number): MemcacheProtocolError {
  return new MemcacheProtocolError('memcached sent a data block not followed by \\r\\n', {
    response: decodeText(buffer, Math.max(0, blockEnd - 2), blockEnd),
  });
}

function garbage(what: string, buffer: Uint8Array, start: number, end: number): MemcacheProtocolError {
  const response = decodeText(buffer, start, Math.min(end, start + 200));
  return new MemcacheProtocolError(`memcached sent ${what}: ${JSON.stringify(response)}`, { response });
}
