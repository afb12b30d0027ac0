/** An ES2024 resizable ArrayBuffer (Node 20 has them; the compiler's lib may not). */
export interface ResizableBuffer extends ArrayBuffer {
  resize(length: number): void;
}

const ResizableArrayBuffer = ArrayBuffer as unknown as new (
  length: number,
  options: { maxByteLength: number },
) => ResizableBuffer;

/** A buffer a test can grow or shrink under a value already handed to the client. */
export function resizableBuffer(length: number, maxByteLength: number): ResizableBuffer {
  return new ResizableArrayBuffer(length, { maxByteLength });
}
