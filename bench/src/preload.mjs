import { largeValue } from './key-space.mjs';

/** Writes the workload's keys with the client under test, so it reads back its own encoding. */
export async function preload(client, workload, space) {
  const keys = workload.preload === 'large' ? space.large : space.small;
  const values = workload.preload === 'large' ? space.largeValues : space.smallValues;
  const parallel = workload.preload === 'large' ? 4 : 100;
  let next = 0;
  const writer = async () => {
    while (next < keys.length) {
      const index = next++;
      const value = workload.preload === 'large' ? largeValue(client, values[index]) : values[index].string;
      const stored = await client.set(keys[index], value);
      if (stored === false) throw new Error(`preload: set ${keys[index]} was not stored`);
    }
  };
  await Promise.all(Array.from({ length: parallel }, writer));
}
