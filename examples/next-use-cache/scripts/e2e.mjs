#!/usr/bin/env node
// End to end with the real `next` and Cache Components: one throwaway memcached, `next build`,
// then two `next start` instances sharing it. A 'use cache' function's result, cached by one
// instance, is served by the other; revalidateTag on one instance makes the other run the
// function afresh at once; with the 'max' profile both serve the old result once and then the
// regenerated one; revalidatePath reaches the entry through the page's path (soft) tags, and
// updateTag in a server action on one instance reaches the other; without memcached both
// instances still serve the page.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { Client } from '@mc/client';
import { nextApp, startJsonServer, startMemcached, waitFor } from '@mc/test-utils';

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const seconds = (since) => ((performance.now() - since) / 1000).toFixed(1);

/**
 * /greeting as the test reads it: the cached result (its data, which run of the function made
 * it, on which instance), once the page is known to come from the instance asked.
 */
async function readPage(instance) {
  const { 'served-by': servedBy, ...result } = await instance.fields('/greeting');
  assert.equal(servedBy, instance.name);
  return result;
}

/** Reads the page on `instance` until two reads agree: its result is then in memcached. */
async function settledPage(instance) {
  let previous = await readPage(instance);
  for (let attempt = 0; attempt < 50; attempt++) {
    const current = await readPage(instance);
    if (current.render === previous.render) return current;
    previous = current;
  }
  throw new Error(`instance ${instance.name} never served one result twice`);
}

/**
 * Revalidates through `instance`'s route handler and returns once the record of `tag` in
 * memcached has changed. Under `next start` Next hands a route handler's revalidations to
 * `waitUntil`, so the response can come before the handler has written the record; the other
 * instance can only see the revalidation from then on, and must see it at once.
 */
async function revalidate(instance, query, tag) {
  const before = await inspector.get(`next:tag:${tag}`);
  const response = await fetch(`${instance.url}/api/revalidate?${query}`, { method: 'POST' });
  assert.equal(response.status, 200, `POST /api/revalidate?${query}`);
  const written = await waitFor(
    async () => !isDeepStrictEqual(await inspector.get(`next:tag:${tag}`), before),
    { timeout: 10_000, interval: 10 },
  );
  assert.ok(written, `POST /api/revalidate?${query} wrote the record of ${tag}`);
}

/** Calls the server action `name` of `pathname` on `instance`, as the page's form posts it. */
async function callAction(instance, pathname, name) {
  const manifestFile = path.join(appDir, '.next/server/server-reference-manifest.json');
  const actions = JSON.parse(fs.readFileSync(manifestFile, 'utf8')).node;
  const id = Object.keys(actions).find((key) => actions[key].exportedName === name);
  assert.ok(id, `server action ${name} is in the build`);
  const response = await fetch(`${instance.url}${pathname}`, {
    method: 'POST',
    headers: { 'next-action': id, accept: 'text/x-component', 'content-type': 'text/plain;charset=UTF-8' },
    body: '[]',
  });
  assert.equal(response.status, 200, `server action ${name}`);
  await response.arrayBuffer();
}

const started = performance.now();
const memcached = await startMemcached();
// Looks at what the handlers keep in memcached.
const inspector = new Client(memcached.address);
let greeting = 'hello, version 1';
const dataServer = await startJsonServer(() => ({ greeting }));
const app = nextApp(appDir);

try {
  const [a, b] = await app.deploy(['a', 'b'], {
    MEMCACHED_SERVERS: memcached.address,
    GREETING_URL: `${dataServer.url}/greeting`,
  });

  // Instance a runs the function and caches its result; instance b serves that very result.
  const first = await settledPage(a);
  assert.equal(first.greeting, 'hello, version 1');
  assert.equal(first.instance, 'a');
  assert.deepEqual(await readPage(b), first, 'instance b serves the result instance a cached');

  // The data changes; the result is cached for hours, so both still serve the old one.
  greeting = 'hello, version 2';
  assert.deepEqual(await readPage(a), first);
  assert.deepEqual(await readPage(b), first);

  // A route handler on instance b revalidates the tag, and instance a runs the function afresh
  // at once; instance b then serves the result instance a made.
  await revalidate(b, 'tag=greeting', 'greeting');
  const fresh = await settledPage(a);
  assert.equal(fresh.greeting, 'hello, version 2', 'instance a sees the revalidation made on b');
  assert.equal(fresh.instance, 'a');
  assert.deepEqual(await readPage(b), fresh, 'instance b serves the result instance a made');

  // Stale-while-revalidate across instances: after revalidateTag(tag, 'max') on a, b serves the
  // old result once and regenerates it in the background; soon both serve the new one.
  greeting = 'hello, version 3';
  await revalidate(a, 'tag=greeting&profile=max', 'greeting');
  assert.equal((await readPage(b)).greeting, 'hello, version 2', 'served stale once');
  const regenerated = await waitFor(async () => {
    const [pageA, pageB] = [await readPage(a), await readPage(b)];
    return pageA.greeting === 'hello, version 3' && pageA.render === pageB.render;
  });
  assert.ok(regenerated, 'both instances serve the regenerated result');

  // revalidatePath on b: the entry carries no path tag of its own, but the page's path tags
  // come to the handler as soft tags, so instance a runs the function afresh.
  greeting = 'hello, version 4';
  await revalidate(b, 'path=/greeting', '_N_T_/greeting');
  const byPath = await settledPage(a);
  assert.equal(byPath.greeting, 'hello, version 4', 'revalidatePath on b reaches a');
  assert.deepEqual(await readPage(b), byPath);

  // updateTag in a server action on a (the page's Refresh button) rewrites the tag's record; the
  // next read on b runs the function afresh, or serves the result a made in answering the
  // action (Next re-renders the page for it), never the old one.
  greeting = 'hello, version 5';
  const recordBefore = await inspector.get('next:tag:greeting');
  assert.ok(recordBefore instanceof Uint8Array, 'the tag record is in memcached');
  await callAction(a, '/greeting', 'refreshGreeting');
  assert.notDeepEqual(await inspector.get('next:tag:greeting'), recordBefore, 'updateTag wrote the record');
  const updated = await settledPage(b);
  assert.equal(updated.greeting, 'hello, version 5', 'updateTag on a reaches b');
  assert.deepEqual(await readPage(a), updated);
  assert.ok((await inspector.get('next:tag:_N_T_/greeting')) instanceof Uint8Array, 'the path tag too');

  // memcached goes away: both instances still serve the page, the function running uncached,
  // and the handlers warn instead of failing the render.
  await memcached.kill();
  greeting = 'hello, version 6';
  for (const instance of [a, b]) {
    assert.equal(
      (await readPage(instance)).greeting,
      'hello, version 6',
      `${instance.name} without memcached`,
    );
    assert.match(instance.output(), /@mc\/next: memcached unavailable/);
  }

  console.log(
    `e2e passed: two instances share 'use cache' results in one memcached; whole run ${seconds(started)} s`,
  );
} catch (error) {
  console.error(app.outputs());
  throw error;
} finally {
  await app.stop();
  await inspector.close();
  await dataServer.close();
  await memcached.stop();
}
