#!/usr/bin/env node
// End to end with the real `next`: one throwaway memcached, `next build`, then two `next start`
// instances on two ports sharing it. A tagged ISR page is served from the shared cache by both;
// after its data changes and a route handler on one instance revalidates the tag, the other
// instance serves the new data at once, and the first serves the very render the second made;
// with the 'max' profile both serve the old render once and then the regenerated one.
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { Client } from '@mc/client';
import { nextApp, startJsonServer, startMemcached, waitFor } from '@mc/test-utils';

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const seconds = (since) => ((performance.now() - since) / 1000).toFixed(1);

/** The page as the test reads it: its data, which render made it, on which instance. */
const readPage = (instance) => instance.fields('/tagged');

/**
 * Revalidates the tag through `instance`'s route handler and returns once the tag's record in
 * memcached has changed. Under `next start` Next hands a route handler's revalidations to
 * `waitUntil`, so the response can come before the handler has written the record; the other
 * instance can only see the revalidation from then on, and must see it at once.
 */
async function revalidate(instance, query) {
  const before = await inspector.get('next:tag:greeting');
  const response = await fetch(`${instance.url}/api/revalidate?${query}`, { method: 'POST' });
  assert.equal(response.status, 200, `POST /api/revalidate?${query}`);
  const written = await waitFor(
    async () => !isDeepStrictEqual(await inspector.get('next:tag:greeting'), before),
    { timeout: 10_000, interval: 10 },
  );
  assert.ok(written, `POST /api/revalidate?${query} wrote the tag's record`);
}

const started = performance.now();
const memcached = await startMemcached();
// Looks at what the handler keeps in memcached.
const inspector = new Client(memcached.address);
let greeting = 'hello, version 1';
const dataServer = await startJsonServer(() => ({ greeting }));
const app = nextApp(appDir);

try {
  const [a, b] = await app.deploy(['a', 'b'], {
    MEMCACHED_SERVERS: memcached.address,
    GREETING_URL: `${dataServer.url}/greeting`,
  });

  // Both instances serve one render from the shared cache.
  const firstA = await readPage(a);
  const firstB = await readPage(b);
  assert.equal(firstA.greeting, 'hello, version 1');
  assert.deepEqual(firstB, firstA, 'instance b serves the render instance a served');

  // The data changes; the page is cached for an hour, so both still serve the old render.
  greeting = 'hello, version 2';
  assert.deepEqual(await readPage(a), firstA);
  assert.deepEqual(await readPage(b), firstA);

  // A route handler on instance b revalidates the tag...
  await revalidate(b, 'tag=greeting');

  // ...and instance a renders the new data at once, which instance b then serves as it is.
  const freshA = await readPage(a);
  assert.equal(freshA.greeting, 'hello, version 2', 'instance a sees the revalidation made on b');
  assert.equal(freshA.instance, 'a');
  assert.notEqual(freshA.render, firstA.render);
  assert.deepEqual(await readPage(b), freshA, 'instance b serves the render instance a made');

  // Stale-while-revalidate across instances: with the 'max' profile the next request, on
  // either instance, still gets the old render and sets off a regeneration; soon both serve
  // the new data.
  greeting = 'hello, version 3';
  await revalidate(a, 'tag=greeting&profile=max');
  assert.equal((await readPage(b)).greeting, 'hello, version 2', 'served stale once');
  const regenerated = await waitFor(async () => {
    const [pageA, pageB] = [await readPage(a), await readPage(b)];
    return pageA.greeting === 'hello, version 3' && pageB.render === pageA.render;
  });
  assert.ok(regenerated, 'both instances serve the regenerated render');

  // What made it work is in memcached: entries under the handler's prefix, and the tag's record.
  assert.ok(
    (await inspector.get('next:tag:greeting')) instanceof Uint8Array,
    'the tag record is in memcached',
  );
  const stats = await inspector.stats();
  assert.ok(
    Number(stats.curr_items) >= 3,
    `page, fetch and tag entries in memcached (${stats.curr_items} items)`,
  );

  console.log(`e2e passed: two instances share one memcached; whole run ${seconds(started)} s`);
} catch (error) {
  console.error(app.outputs());
  throw error;
} finally {
  await inspector.close();
  await app.stop();
  await dataServer.close();
  await memcached.stop();
}
