import type { Chunk, EncodedRequest, Frame } from '@mc/protocol';

/**
 * A hand-made request for fake servers: writes `chunks` and completes on the first frame,
 * resolving with that frame (or rejecting with the error an error frame carries). Tests use
 * it to see exactly which frame reached which request.
 */
export function rawRequest(...chunks: Chunk[]): EncodedRequest<Frame> {
  let received: Frame | undefined;
  return {
    chunks,
    reader: {
      push(frame) {
        received = frame;
        return true;
      },
      result() {
        if (received?.kind === 'error') throw received.error;
        return received!;
      },
    },
  };
}

/** A request that expects no reply, like a noreply command. */
export function silentRequest(...chunks: Chunk[]): EncodedRequest<undefined> {
  return { chunks, reader: undefined };
}

/** Waits until `condition` holds, polling; fails the test after `timeout` ms instead of hanging. */
export async function waitFor(condition: () => boolean, timeout = 5000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export const text = (bytes: Uint8Array | undefined): string => Buffer.from(bytes ?? []).toString('utf8');
export const bytes = (value: string): Uint8Array => Buffer.from(value, 'utf8');
