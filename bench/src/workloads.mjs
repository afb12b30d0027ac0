import {
  BATCH_SIZE,
  LARGE_KEYS,
  largeValue,
  SMALL_KEYS,
  SMALL_VALUE_BYTES,
  sameValue,
} from './key-space.mjs';

// Keys are visited in a scattered but repeatable order: index × a prime, modulo the key count.
const STRIDE = 7919;
const smallIndex = (counter) => (counter * STRIDE) % SMALL_KEYS;
const largeIndex = (counter) => counter % LARGE_KEYS;

async function getSmall(client, counter, space) {
  const index = smallIndex(counter);
  const value = await client.get(space.small[index]);
  // The naked socket answers with the reply's length: a miss is `END\r\n` alone.
  if (client.unparsed) return value > 5 ? undefined : `get ${space.small[index]} missed`;
  return sameValue(value, space.smallValues[index]) ? undefined : describeMismatch(value, space.small[index]);
}

async function setSmall(client, counter, space) {
  const index = smallIndex(counter);
  const stored = await client.set(space.small[index], space.smallValues[index].string);
  return stored === false ? `set ${space.small[index]} was not stored` : undefined;
}

async function getBatch(client, counter, space) {
  const batch = space.batches[counter % space.batches.length];
  const offset = (counter % space.batches.length) * BATCH_SIZE;
  const result = await client.getMulti(batch);
  if (client.unparsed)
    return result >= batch.length * SMALL_VALUE_BYTES
      ? undefined
      : `multi-get of ${batch[0]}… came back short`;
  for (let index = 0; index < batch.length; index++) {
    const value = client.pick(result, batch[index]);
    if (!sameValue(value, space.smallValues[offset + index])) return describeMismatch(value, batch[index]);
  }
  return undefined;
}

function describeMismatch(value, key) {
  if (value === undefined || value === null) return `get ${key} missed`;
  return `get ${key} returned a different value (${typeof value}, ${value.length} long)`;
}

/**
 * The workloads, in the order they run; a variant (another way of opening the same client)
 * runs right after the workload it is read against, so the two share the machine's mood.
 * `concurrency` is the number of requests kept in flight; `units` is what one operation counts
 * for (keys, for a multi-get); `preload` names the keys written (by the client itself,
 * unmeasured) before the run.
 *
 * @typedef {object} Workload
 * @property {string} id
 * @property {string} title
 * @property {number} concurrency
 * @property {number} units
 * @property {'small' | 'large'} preload
 * @property {string[]} [clients]  only these clients run it (the others have no such option)
 * @property {{ connections?: number, nodes?: number, tracing?: boolean, metrics?: boolean }} [variant]  how the
 *   client is opened: several connections, a HashClient over several servers, a tracing subscriber,
 *   metrics collected
 * @property {string} [compare]  the workload this variant is read against (same client)
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
    id: 'seq-get-traced',
    title: 'sequential get with a diagnostics_channel subscriber on mc:command:* (1 in flight)',
    concurrency: 1,
    units: 1,
    preload: 'small',
    operation: getSmall,
    clients: ['mc'],
    variant: { tracing: true },
    compare: 'seq-get',
  },
  {
    id: 'seq-get-metrics',
    title: 'sequential get with `metrics: true` (every command counted and timed; 1 in flight)',
    concurrency: 1,
    units: 1,
    preload: 'small',
    operation: getSmall,
    clients: ['mc'],
    variant: { metrics: true },
    compare: 'seq-get',
  },
  {
    id: 'seq-multi-get',
    title: `sequential multi-get of ${BATCH_SIZE} keys (100-byte values, 1 call in flight; ops/s counts calls)`,
    concurrency: 1,
    units: 1,
    preload: 'small',
    operation: getBatch,
  },
  {
    id: 'hash-seq-multi-get',
    title: `HashClient over 3 servers: sequential multi-get of ${BATCH_SIZE} keys fanned out (1 call in flight; ops/s counts calls)`,
    concurrency: 1,
    units: 1,
    preload: 'small',
    operation: getBatch,
    clients: ['mc'],
    variant: { nodes: 3 },
    compare: 'seq-multi-get',
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
    id: 'get-traced',
    title: 'concurrent get with a diagnostics_channel subscriber on mc:command:* (100 in flight)',
    concurrency: 100,
    units: 1,
    preload: 'small',
    operation: getSmall,
    clients: ['mc'],
    variant: { tracing: true },
    compare: 'get',
  },
  {
    id: 'get-metrics',
    title: 'concurrent get with `metrics: true` (100 in flight)',
    concurrency: 100,
    units: 1,
    preload: 'small',
    operation: getSmall,
    clients: ['mc'],
    variant: { metrics: true },
    compare: 'get',
  },
  {
    id: 'get-4conn',
    title: 'concurrent get over `connections: 4` (100-byte values, 100 in flight)',
    concurrency: 100,
    units: 1,
    preload: 'small',
    operation: getSmall,
    clients: ['mc'],
    variant: { connections: 4 },
    compare: 'get',
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
    operation: getBatch,
  },
  {
    id: 'hash-multi-get',
    title: `HashClient over 3 servers: multi-get of ${BATCH_SIZE} keys fanned out (10 calls in flight; ops/s counts keys)`,
    concurrency: 10,
    units: BATCH_SIZE,
    preload: 'small',
    operation: getBatch,
    clients: ['mc'],
    variant: { nodes: 3 },
    compare: 'multi-get',
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
