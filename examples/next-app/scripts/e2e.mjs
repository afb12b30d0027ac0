#!/usr/bin/env node
// End to end with the real `next`: one throwaway memcached, `next build`, then two `next start`
// instances on two ports sharing it. A tagged ISR page is served from the shared cache by both;
// after its data changes and a route handler on one instance revalidates the tag, the other
// instance serves the new data at once, and the first serves the very render the second made;
// with the 'max' profile both serve the old render once and then the regenerated one.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@mc/client';
import { freePort, startMemcached } from '@mc/test-utils';

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const nextBin = createRequire(path.join(appDir, 'package.json')).resolve('next/dist/bin/next');
const children = new Set();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

const seconds = (since) => ((performance.now() - since) / 1000).toFixed(1);

/** Runs `next <args>`; resolves when it exits 0 (for build) or returns the running child. */
function next(args, env, { wait }) {
  const child = spawn(process.execPath, [nextBin, ...args], {
    cwd: appDir,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  child.stdout.on('data', (data) => {
    output += data;
  });
  child.stderr.on('data', (data) => {
    output += data;
  });
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  exited.then(() => children.delete(child));
  if (!wait) return { child, output: () => output, exited };
  return exited.then((code) => {
    if (code !== 0) throw new Error(`next ${args.join(' ')} exited with ${code}\n${output}`);
    return output;
  });
}

async function waitForHttp(url, instance, timeout = 60_000) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer within ${timeout} ms\n${instance.output()}`);
}

/** Polls `check` until it returns true or 20 s pass; resolves whether it did. */
async function waitFor(check, timeout = 20_000) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}

/** The page as the test reads it: its data, which render made it, on which instance. */
async function readPage(port) {
  const response = await fetch(`http://127.0.0.1:${port}/tagged`);
  assert.equal(response.status, 200);
  const html = await response.text();
  const field = (id) => html.match(new RegExp(`<p id="${id}">([^<]*)</p>`))?.[1];
  return { greeting: field('greeting'), render: field('render'), instance: field('instance') };
}

const started = performance.now();
const memcached = await startMemcached();
let greeting = 'hello, version 1';
const dataServer = http.createServer((_request, response) => {
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify({ greeting }));
});
const dataPort = await freePort();
await new Promise((resolve) => dataServer.listen(dataPort, '127.0.0.1', resolve));
const shared = {
  MEMCACHED_SERVERS: memcached.address,
  GREETING_URL: `http://127.0.0.1:${dataPort}/greeting`,
};
const instances = [];

try {
  const buildStarted = performance.now();
  await next(['build'], { ...shared, INSTANCE_NAME: 'build' }, { wait: true });
  console.log(`next build: ${seconds(buildStarted)} s`);

  const [portA, portB] = [await freePort(), await freePort()];
  for (const [name, port] of [
    ['a', portA],
    ['b', portB],
  ]) {
    instances.push(
      next(
        ['start', '-H', '127.0.0.1', '-p', String(port)],
        { ...shared, INSTANCE_NAME: name },
        { wait: false },
      ),
    );
  }
  await Promise.all([
    waitForHttp(`http://127.0.0.1:${portA}/`, instances[0]),
    waitForHttp(`http://127.0.0.1:${portB}/`, instances[1]),
  ]);

  // Both instances serve one render from the shared cache.
  const firstA = await readPage(portA);
  const firstB = await readPage(portB);
  assert.equal(firstA.greeting, 'hello, version 1');
  assert.deepEqual(firstB, firstA, 'instance b serves the render instance a served');

  // The data changes; the page is cached for an hour, so both still serve the old render.
  greeting = 'hello, version 2';
  assert.deepEqual(await readPage(portA), firstA);
  assert.deepEqual(await readPage(portB), firstA);

  // A route handler on instance b revalidates the tag...
  const revalidation = await fetch(`http://127.0.0.1:${portB}/api/revalidate?tag=greeting`, {
    method: 'POST',
  });
  assert.equal(revalidation.status, 200);

  // ...and instance a renders the new data at once, which instance b then serves as it is.
  const freshA = await readPage(portA);
  assert.equal(freshA.greeting, 'hello, version 2', 'instance a sees the revalidation made on b');
  assert.equal(freshA.instance, 'a');
  assert.notEqual(freshA.render, firstA.render);
  assert.deepEqual(await readPage(portB), freshA, 'instance b serves the render instance a made');

  // Stale-while-revalidate across instances: with the 'max' profile the next request, on
  // either instance, still gets the old render and sets off a regeneration; soon both serve
  // the new data.
  greeting = 'hello, version 3';
  const profiled = await fetch(`http://127.0.0.1:${portA}/api/revalidate?tag=greeting&profile=max`, {
    method: 'POST',
  });
  assert.equal(profiled.status, 200);
  assert.equal((await readPage(portB)).greeting, 'hello, version 2', 'served stale once');
  const regenerated = await waitFor(async () => {
    const [pageA, pageB] = [await readPage(portA), await readPage(portB)];
    return pageA.greeting === 'hello, version 3' && pageB.render === pageA.render;
  });
  assert.ok(regenerated, 'both instances serve the regenerated render');

  // What made it work is in memcached: entries under the handler's prefix, and the tag's record.
  const inspector = new Client(memcached.address);
  try {
    assert.ok(
      (await inspector.get('next:tag:greeting')) instanceof Uint8Array,
      'the tag record is in memcached',
    );
    const stats = await inspector.stats();
    assert.ok(
      Number(stats.curr_items) >= 3,
      `page, fetch and tag entries in memcached (${stats.curr_items} items)`,
    );
  } finally {
    await inspector.close();
  }

  console.log(`e2e passed: two instances share one memcached; whole run ${seconds(started)} s`);
} catch (error) {
  for (const [index, instance] of instances.entries()) {
    console.error(`--- instance ${index === 0 ? 'a' : 'b'} output ---\n${instance.output()}`);
  }
  throw error;
} finally {
  for (const instance of instances) instance.child.kill('SIGTERM');
  await Promise.all(instances.map((instance) => instance.exited));
  dataServer.close();
  await memcached.stop();
}
