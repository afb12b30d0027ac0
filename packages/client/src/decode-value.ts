import type { Serde } from '@mc/serde';
import { undecodableValue } from './undecodable-value.js';

/** Runs the serde on a value read for `key`; whatever it throws becomes undecodableValue's error. */
export function decodeValue<V>(serde: Serde<V>, key: string, value: Uint8Array, flags: number): V {
  try {
    return serde.deserialize(key, value, flags);
  } catch (error) {
    throw undecodableValue(key, flags, error);
  }
}
