import { ValueFrame, type ValueFrameLike } from '@mc/protocol';
import { FLAG_TEXT, SERDE_FLAG_BITS } from './flags.js';
import type { Serde } from './serde.js';
import { readsTextFromFrame } from './text-fast-paths.js';

/**
 * Runs `serde` on a `VALUE` frame as the parser cut it. A text value (flag 16, no other serde
 * bit) read by a built-in serde is taken straight from the received bytes (ValueFrame#text:
 * the same strict UTF-8, a MemcacheDeserializeError on malformed bytes), without building a
 * view for `deserialize`; anything else is `serde.deserialize(key, frame.data, frame.flags)`.
 * A multi-key read of many small strings spends most of its decoding on exactly that view
 * and that decoder call.
 */
export function deserializeFrame<V>(serde: Serde<V>, key: string, frame: ValueFrameLike): V {
  if ((frame.flags & SERDE_FLAG_BITS) === FLAG_TEXT && frame instanceof ValueFrame && readsText(serde)) {
    return frame.text() as V;
  }
  return serde.deserialize(key, frame.data, frame.flags);
}

// The last serde asked about and its answer: a multi-key read asks once per hit, always about
// the same serde, and a WeakSet lookup per hit is a tenth of what taking its text costs.
let lastSerde: object | undefined;
let lastReadsText = false;

function readsText(serde: object): boolean {
  if (serde !== lastSerde) {
    lastSerde = serde;
    lastReadsText = readsTextFromFrame(serde);
  }
  return lastReadsText;
}
