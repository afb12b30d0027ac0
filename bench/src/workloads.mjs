import { BATCH_SIZE, LARGE_KEYS, largeValue, SMALL_KEYS, sameValue } from './key-space.mjs';

// Keys are visited in a scattered but repeatable order: index × a prime, modulo the key count.
const STRIDE = 7919;
const smallIndex = (counter) => (counter * STRIDE) % SMALL_KEYS;
const largeIndex = (counter) => counter % LARGE_KEYS;

async function getSmall(client, counter, space) {
  const index = smallIndex(counter);
  const value = await client.get(space.small[index]);
  return sameValue(value, space.smallValues[index]) ? undefined : describeMismatch(value, space.small[index]);
}

async function setSmall(client, counter, space) {
  const index = smallIndex(counter);
  const stored = await client.set(space.small[index], space.smallValues[index].string);
  return stored === false ? `set ${space.small[index]} was not stored` : undefined;
}

function describeMismatch(value, key) {
  if (value === undefined || value === null) return `get ${key} missed`;
  return `get ${key} returned a different value (${typeof value}, ${value.length} long)`;
}

/**
 * The workloads, in the order they run. `concurrency` is the number of requests kept in
 * flight; `units` is what one operation counts for (keys, for a multi-get); `preload` names
 * the keys written (by the client itself, unmeasured) before the run.
 *
 * @typedef {object} Workload
 * @property {string} id
 * @property {string} title
 * @property {number} concurrency
 * @property {number} units
 * @property {'small' | 'large'} preload
 * @property {(client: object, counter: number, space: object) => Promise<string | undefined>} operation
 *   resolves undefined when the answer was right, else what was wrong
 */
/** @type {Workload[]} */
export const WORKLOADS = [
  {
    id: 'seq-get',
    title: 'sequential get (100-byte values, 1 in flight)',
    concurrency: 1,
    units: 1,
    preload: 'small',
    operation: getSmall,
  },
  {
    id: 'get',
    title: 'concurrent get (100-byte values, 100 in flight)',
    concurrency: 100,
    units: 1,
    preload: 'small',
    operation: getSmall,
  },
  {
    id: 'set',
    title: 'concurrent set (100-byte values, 100 in flight)',
    concurrency: 100,
    units: 1,
    preload: 'small',
    operation: setSmall,
  },
  {
    id: 'multi-get',
    title: `multi-get of ${BATCH_SIZE} keys (100-byte values, 10 calls in flight; ops/s counts keys)`,
    concurrency: 10,
    units: BATCH_SIZE,
    preload: 'small',
    async operation(client, counter, space) {
      const batch = space.batches[counter % space.batches.length];
      const offset = (counter % space.batches.length) * BATCH_SIZE;
      const result = await client.getMulti(batch);
      for (let index = 0; index < batch.length; index++) {
        const value = client.pick(result, batch[index]);
        if (!sameValue(value, space.smallValues[offset + index]))
          return describeMismatch(value, batch[index]);
      }
      return undefined;
    },
  },
  {
    id: 'large-get',
    title: 'get of 1 MB values (8 in flight)',
    concurrency: 8,
    units: 1,
    preload: 'large',
    async operation(client, counter, space) {
      const index = largeIndex(counter);
      const value = await client.get(space.large[index]);
      return sameValue(value, space.largeValues[index])
        ? undefined
        : describeMismatch(value, space.large[index]);
    },
  },
  {
    id: 'large-set',
    title: 'set of 1 MB values (8 in flight)',
    concurrency: 8,
    units: 1,
    preload: 'large',
    async operation(client, counter, space) {
      const index = largeIndex(counter);
      const stored = await client.set(space.large[index], largeValue(client, space.largeValues[index]));
      return stored === false ? `set ${space.large[index]} was not stored` : undefined;
    },
  },
  {
    id: 'mix',
    title: '90% get / 10% set (100-byte values, 100 in flight)',
    concurrency: 100,
    units: 1,
    preload: 'small',
    operation: (client, counter, space) =>
      counter % 10 === 9 ? setSmall(client, counter, space) : getSmall(client, counter, space),
  },
];
