import { HashClient, MemcacheClientError, MemcacheServerError } from '@mc/client';
import type { CliClient } from './open-client.js';

/** memcached's default `-I`, assumed when a server (or a proxy in front of it) will not say. */
export const DEFAULT_ITEM_SIZE_MAX = 1024 * 1024;

/**
 * The largest item the servers accept, from `stats settings` (`item_size_max`, memcached's
 * `-I`); with several servers the smallest, since any of them may own the key.
 */
export async function itemSizeLimit(client: CliClient): Promise<{ bytes: number; what: string }> {
  const limits: number[] = [];
  try {
    const answer =
      client instanceof HashClient ? await client.stats('settings') : await client.stats('settings');
    for (const settings of answer instanceof Map ? answer.values() : [answer]) {
      const limit = settings.item_size_max;
      if (typeof limit === 'number' && limit > 0) limits.push(limit);
    }
  } catch (error) {
    // A server or proxy that refuses `stats settings` still stores values: assume the default.
    // twemproxy refuses by closing the connection (MemcacheUnexpectedCloseError, a server
    // error); the set that follows reconnects. A server that cannot be reached at all fails.
    const refused = error instanceof MemcacheClientError || error instanceof MemcacheServerError;
    if (!refused) throw error;
  }
  if (limits.length === 0) return { bytes: DEFAULT_ITEM_SIZE_MAX, what: "memcached's default item size" };
  return { bytes: Math.min(...limits), what: "the server's item size limit (item_size_max)" };
}
