import { FLAG_STRUCTURED, structuredSerde } from '@mc/client';

/**
 * How the handler turns what it stores into bytes and back: the structured clone format, so the
 * Buffers (`rscData`, route bodies, images) and Maps (`segmentData`) Next hands over come back
 * as Buffers and Maps. The handler sends bytes, which every byte-keeping serde (the default
 * one, compression, structured clone) stores as they are, whatever client it is given.
 */
export const recordCodec = {
  encode(key: string, record: object): Uint8Array {
    return structuredSerde.serialize(key, record).value;
  },
  /** The record, or `undefined` when `stored` is not bytes this codec wrote. */
  decode(key: string, stored: unknown): unknown {
    if (!(stored instanceof Uint8Array)) return undefined;
    try {
      return structuredSerde.deserialize(key, stored, FLAG_STRUCTURED);
    } catch {
      return undefined;
    }
  },
};
