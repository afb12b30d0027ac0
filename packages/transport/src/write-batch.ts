import type { Writable } from 'node:stream';
import type { Chunk } from '@mc/protocol';

/** Byte chunks up to this size are copied into the batch; larger ones are written as they are. */
const SMALL_BYTES = 4096;
/** A batch is handed to the socket once it holds about this much, so write() can push back. */
const BATCH_BYTES = 64 * 1024;

/**
 * Gathers the chunks of the requests flushed in one tick into as few socket writes as
 * possible. Measured on loopback with 100 requests per batch: one concatenated string costs
 * about a tenth of 100 corked writes, and copying small values into one buffer about half
 * of writing them one by one. Large values are never copied: they go to the socket as they
 * are, corked together with the text around them so the batch is still one system call.
 *
 *   "get a\r\n" "get b\r\n"        → text: "get a\r\nget b\r\n"          (string concat)
 *   "set k 0 0 3\r\n" [abc] "\r\n"  → parts: [text, abc, "\r\n"] → one Buffer (small copy)
 *   "set big 0 0 1048576\r\n" [1 MB] → write(parts so far), write(1 MB)   (no copy)
 */
export class WriteBatch {
  #stream: Pick<Writable, 'write' | 'cork' | 'uncork'> | undefined;
  #text = '';
  #parts: Chunk[] = [];
  #partBytes = 0;
  #corked = false;
  #writable = true;

  /** Starts a batch on `stream`. */
  begin(stream: Pick<Writable, 'write' | 'cork' | 'uncork'>): void {
    this.#stream = stream;
    this.#corked = false;
    this.#writable = true;
  }

  add(chunk: Chunk): void {
    if (typeof chunk === 'string') {
      this.#text += chunk;
    } else if (chunk.byteLength <= SMALL_BYTES) {
      if (this.#text !== '') {
        this.#parts.push(this.#text);
        this.#partBytes += Buffer.byteLength(this.#text);
        this.#text = '';
      }
      this.#parts.push(chunk);
      this.#partBytes += chunk.byteLength;
    } else {
      this.#emit(false);
      this.#write(chunk, false);
    }
  }

  /** Whether the batch has grown enough to hand it over now; the caller checks between requests. */
  get full(): boolean {
    return this.#partBytes + this.#text.length >= BATCH_BYTES;
  }

  /** Hands what was gathered so far to the stream, keeping the stream corked for more. */
  emit(): void {
    this.#emit(false);
  }

  /** Whether every write so far was accepted without exceeding the stream's buffer. */
  get writable(): boolean {
    return this.#writable;
  }

  /** Writes the rest and uncorks; returns whether the stream wants more now. */
  end(): boolean {
    this.#emit(true);
    if (this.#corked) this.#stream!.uncork();
    this.#stream = undefined;
    return this.#writable;
  }

  #emit(final: boolean): void {
    const parts = this.#parts;
    if (parts.length === 0) {
      if (this.#text !== '') this.#write(this.#text, final);
      this.#text = '';
      return;
    }
    let total = this.#partBytes;
    if (this.#text !== '') {
      parts.push(this.#text);
      total += Buffer.byteLength(this.#text);
      this.#text = '';
    }
    const buffer = Buffer.allocUnsafe(total);
    let offset = 0;
    for (let index = 0; index < parts.length; index++) {
      const part = parts[index]!;
      if (typeof part === 'string') offset += buffer.write(part, offset);
      else {
        buffer.set(part, offset);
        offset += part.byteLength;
      }
    }
    parts.length = 0;
    this.#partBytes = 0;
    this.#write(buffer, final);
  }

  #write(data: string | Uint8Array, final: boolean): void {
    const stream = this.#stream!;
    if (!final && !this.#corked) {
      stream.cork();
      this.#corked = true;
    }
    if (!stream.write(data)) this.#writable = false;
  }
}
