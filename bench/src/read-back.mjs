import { sameValue } from './key-space.mjs';

/** Reads a few keys back after the run, so a client whose writes were garbled cannot pass. */
export async function readBack(client, workload, space) {
  const keys = workload.preload === 'large' ? space.large : space.small;
  const values = workload.preload === 'large' ? space.largeValues : space.smallValues;
  for (let index = 0; index < keys.length; index += Math.max(1, Math.floor(keys.length / 16))) {
    const value = await client.get(keys[index]);
    // The naked socket only counts reply bytes: more than `END\r\n` means a hit.
    if (client.unparsed) {
      if (!(value > 5)) return `read-back of ${keys[index]} missed`;
      continue;
    }
    if (!sameValue(value, values[index])) return `read-back of ${keys[index]} did not match`;
  }
  return undefined;
}
