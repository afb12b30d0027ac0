import { itemBytes, type MemoryStore } from './memory-store.js';

/** memcached's defaults: `-n 48` chunks over a 48-byte header, `-f 1.25`, 8-byte alignment. */
const FIRST_CHUNK = 48 + 48;
const GROWTH_FACTOR = 1.25;
const CHUNK_ALIGN = 8;

/** The chunk size of each slab class (index 0 is class 1), as memcached's slabs_init builds them. */
function slabClasses(pageBytes: number): number[] {
  const chunkMax = Math.floor(pageBytes / 2);
  const sizes: number[] = [];
  let size = FIRST_CHUNK;
  while (size <= chunkMax / GROWTH_FACTOR) {
    if (size % CHUNK_ALIGN !== 0) size += CHUNK_ALIGN - (size % CHUNK_ALIGN);
    sizes.push(size);
    size *= GROWTH_FACTOR;
  }
  sizes.push(chunkMax);
  return sizes;
}

interface ClassUse {
  number: number;
  bytes: number;
  oldest: number;
}

/** The stored items grouped by the slab class memcached would keep each in. */
function classUse(store: MemoryStore): { sizes: number[]; use: Map<number, ClassUse> } {
  const sizes = slabClasses(store.itemSizeMax);
  const use = new Map<number, ClassUse>();
  for (const [id, item] of store.items()) {
    const bytes = itemBytes(id.length, item.value.byteLength, item.flags);
    let index = sizes.findIndex((size) => size >= bytes);
    if (index === -1) index = sizes.length - 1; // larger items are chained chunks of the largest
    const entry = use.get(index + 1) ?? { number: 0, bytes: 0, oldest: item.touchedAt };
    entry.number++;
    entry.bytes += bytes;
    entry.oldest = Math.min(entry.oldest, item.touchedAt);
    use.set(index + 1, entry);
  }
  return { sizes, use: new Map([...use].sort(([a], [b]) => a - b)) };
}

const ITEM_COUNTERS =
  'evicted evicted_nonzero evicted_time outofmemory tailrepairs reclaimed expired_unfetched ' +
  'evicted_unfetched evicted_active crawler_reclaimed crawler_items_checked lrutail_reflocked ' +
  'moves_to_cold moves_to_warm moves_within_lru direct_reclaims hits_to_hot hits_to_warm ' +
  'hits_to_cold hits_to_temp';
const SLAB_COUNTERS = 'get_hits cmd_set delete_hits incr_hits decr_hits cas_hits cas_badval touch_hits';

/**
 * `stats items`: memcached 1.6.18's lines for each slab class that holds items, every item
 * counted hot (a store in memory has no LRU to move them along), with their bytes and the
 * age of the oldest; the eviction and LRU counters are 0, as nothing is ever evicted.
 */
export function itemStats(store: MemoryStore): Map<string, string> {
  const lines = new Map<string, string>();
  const now = store.now();
  for (const [id, entry] of classUse(store).use) {
    const at = (name: string, value: number) => lines.set(`items:${id}:${name}`, String(value));
    at('number', entry.number);
    at('number_hot', entry.number);
    at('number_warm', 0);
    at('number_cold', 0);
    at('age_hot', 0);
    at('age_warm', 0);
    at('age', Math.floor((now - entry.oldest) / 1000));
    at('mem_requested', entry.bytes);
    for (const name of ITEM_COUNTERS.split(' ')) at(name, 0);
  }
  return lines;
}

/** `stats slabs`: the classes in use, their chunks and pages (of `itemSizeMax` bytes each). */
export function slabStats(store: MemoryStore): Map<string, string> {
  const lines = new Map<string, string>();
  const { sizes, use } = classUse(store);
  let pages = 0;
  for (const [id, entry] of use) {
    const chunkSize = sizes[id - 1]!;
    const perPage = Math.floor(store.itemSizeMax / chunkSize);
    const classPages = Math.ceil(entry.number / perPage);
    pages += classPages;
    const at = (name: string, value: number) => lines.set(`${id}:${name}`, String(value));
    at('chunk_size', chunkSize);
    at('chunks_per_page', perPage);
    at('total_pages', classPages);
    at('total_chunks', classPages * perPage);
    at('used_chunks', entry.number);
    at('free_chunks', classPages * perPage - entry.number);
    at('free_chunks_end', 0);
    for (const name of SLAB_COUNTERS.split(' ')) at(name, 0);
  }
  lines.set('active_slabs', String(use.size));
  lines.set('total_malloced', String(pages * store.itemSizeMax));
  return lines;
}
