import type { ValueFrameLike } from '@mc/protocol';
import { deserializeFrame, type Serde } from '@mc/serde';
import { undecodableValue } from './undecodable-value.js';

/**
 * decodeValue for a hit still in its parsed frame (a multi-key read): a built-in serde's text
 * is taken from the received bytes without a view (deserializeFrame); errors as decodeValue's.
 */
export function decodeFrame<V>(serde: Serde<V>, key: string, frame: ValueFrameLike): V {
  try {
    return deserializeFrame(serde, key, frame);
  } catch (error) {
    throw undecodableValue(key, frame.flags, error);
  }
}
