// With several servers (MEMCACHED_SERVERS=a,b: "keys are spread over them as HashClient does")
// one server that is down must not swallow the revalidation of tags whose records live on the
// servers that are up. revalidatePath hands the handler several tags at once, and Next groups
// every revalidateTag of a request into one call per profile (revalidation-utils.js:
// `promises.push(incrementalCache.revalidateTag(tagsForProfile, durations))`), so one call
// carries tags on both servers. Next's own FileSystemCache marks each tag on its own:
// `for (const tag of tags){ ... tagsManifest.set(tag, { ...existingEntry, expired: now }) }`.
// The handler reads all tag records in one getMany first; the unreachable server rejects it
// and not one tag is written, so pages tagged with a tag on the healthy server stay fresh.
import { Client } from '@mc/client';
import { closedPort, type MemcachedServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCacheHandler, type MemcachedCacheHandlerClass } from './create-cache-handler.js';

let server: MemcachedServer;
const toClose: Array<{ close(): Promise<void> }> = [];

beforeAll(async () => {
  server = await startMemcached();
});
afterAll(async () => {
  await Promise.all(toClose.map((item) => item.close()));
  await server?.stop();
});

const page = (tags: string) => ({
  kind: 'APP_PAGE',
  html: '<p>v1</p>',
  rscData: Buffer.from('rsc'),
  status: 200,
  postponed: undefined,
  headers: { 'x-next-cache-tags': tags },
  segmentData: undefined,
});
const setContext = { cacheControl: { revalidate: 600, expire: 3600 }, isRoutePPREnabled: false };
const getContext = { kind: 'APP_PAGE', isFallback: false, isRoutePPREnabled: false };
type Handler = InstanceType<MemcachedCacheHandlerClass>;

it('revalidateTag([tagOnLiveServer, tagOnDeadServer]) still revalidates the tag on the live server', async () => {
  const dead = await closedPort();
  const servers = [server.address, dead.address];
  const keyPrefix = 'rv-dead:';
  const direct = new Client(server.address);
  toClose.push(direct);

  // Find, with a throwaway handler class (its own client), which names land on the live server.
  const Probe = createCacheHandler({ servers, keyPrefix, logger: { warn: () => {} } });
  toClose.push(Probe);
  const probe = new Probe();
  const liveTags: string[] = [];
  const deadTags: string[] = [];
  for (let i = 0; i < 24; i++) {
    const tag = `probe-tag-${i}`;
    await probe.revalidateTag(tag, {});
    ((await direct.get(`${keyPrefix}tag:${tag}`)) !== undefined ? liveTags : deadTags).push(tag);
  }
  let livePath: string | undefined;
  for (let i = 0; i < 24 && livePath === undefined; i++) {
    const path = `/route-cache/APP_PAGE/ab/$/post-${i}`;
    await probe.set(path, page('x') as never, setContext as never);
    if ((await direct.get(`${keyPrefix}entry:${path}`)) !== undefined) livePath = path;
  }
  expect(liveTags.length).toBeGreaterThan(0);
  expect(deadTags.length).toBeGreaterThan(0);
  expect(livePath).toBeDefined();
  const [liveTag, deadTag] = [liveTags[0]!, deadTags[0]!];
  const path = livePath!;

  // A Next server's handler: its page (entry and tag record both on the live server) is cached...
  const App = createCacheHandler({ servers, keyPrefix, logger: { warn: () => {} } });
  toClose.push(App);
  const app: Handler = new App();
  await app.set(path, page(liveTag) as never, setContext as never);
  expect(await app.get(path, getContext as never)).not.toBeNull();

  // ...then one revalidation names a tag on each server (updateTag / revalidateTag without a
  // profile: expired at once).
  await app.revalidateTag([liveTag, deadTag]);

  expect(await app.get(path, getContext as never)).toBeNull();
});
