const encoder = new TextEncoder();

/** A growable output buffer: the pickle encoder appends small pieces and copies once at the end. */
export class ByteWriter {
  private buffer: Uint8Array;
  private view: DataView;
  private length = 0;

  constructor(capacity = 256) {
    this.buffer = new Uint8Array(capacity);
    this.view = new DataView(this.buffer.buffer);
  }

  private reserve(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
    this.view = new DataView(grown.buffer);
  }

  byte(value: number): void {
    this.reserve(1);
    this.buffer[this.length++] = value;
  }

  bytes(value: Uint8Array): void {
    this.reserve(value.length);
    this.buffer.set(value, this.length);
    this.length += value.length;
  }

  /** ASCII text such as a GLOBAL opcode's module and name lines. */
  ascii(text: string): void {
    this.reserve(text.length);
    for (let index = 0; index < text.length; index++) this.buffer[this.length++] = text.charCodeAt(index);
  }

  /**
   * A length-prefixed UTF-8 string, encoded straight into the buffer: room for the worst case
   * is reserved, the prefix patched once the real length is known. Returns false, writing
   * nothing, when the text needs more than `prefix` can count: the caller picks a wider prefix.
   */
  utf8WithLength(text: string, prefix: 1 | 4): boolean {
    this.reserve(prefix + text.length * 3);
    const start = this.length + prefix;
    const { written } = encoder.encodeInto(text, this.buffer.subarray(start));
    if (prefix === 1) {
      if (written > 0xff) return false;
      this.buffer[this.length] = written;
    } else {
      this.view.setUint32(this.length, written, true);
    }
    this.length = start + written;
    return true;
  }

  uint16(value: number): void {
    this.reserve(2);
    this.view.setUint16(this.length, value, true);
    this.length += 2;
  }

  int32(value: number): void {
    this.reserve(4);
    this.view.setInt32(this.length, value, true);
    this.length += 4;
  }

  uint32(value: number): void {
    this.reserve(4);
    this.view.setUint32(this.length, value, true);
    this.length += 4;
  }

  float64BigEndian(value: number): void {
    this.reserve(8);
    this.view.setFloat64(this.length, value, false);
    this.length += 8;
  }

  /** Takes back the last `count` bytes. */
  rewind(count: number): void {
    this.length -= count;
  }

  /** The bytes written so far, as a copy of exactly that length. */
  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}
