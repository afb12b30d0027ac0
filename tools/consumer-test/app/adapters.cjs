// Plain JavaScript, CommonJS: the adapters by require(), each handed a client made by the ES
// module build of @mc/client (an app that mixes the two), which they must take by its methods;
// and @mc/next loaded the way Next.js loads `cacheHandler: require.resolve('@mc/next')`.
const { pathToFileURL } = require('node:url');
const keyvAdapter = require('@mc/keyv');
const { MemcachedStore } = require('@mc/session');
const { createCacheHandler } = require('@mc/next');
const { Keyv } = require('keyv');
const { Store } = require('express-session');

const callback = (call) =>
  new Promise((resolve, reject) => call((error, value) => (error ? reject(error) : resolve(value))));

async function run() {
  const esm = await import('@mc/client');
  const client = new esm.Client(process.env.MEMCACHED_SERVER);
  try {
    if (keyvAdapter.default !== keyvAdapter.KeyvMemcached)
      throw new Error('keyv: default is not KeyvMemcached');
    const keyv = new Keyv({ store: new keyvAdapter.KeyvMemcached(client), namespace: 'consumer' });
    await keyv.set('user', { name: 'Ada' });
    if ((await keyv.get('user'))?.name !== 'Ada') throw new Error('keyv: get lost the value');

    const store = new MemcachedStore({ client });
    if (!(store instanceof Store)) throw new Error('session: not an express-session Store');
    await callback((done) => store.set('consumer-sid', { cookie: {}, views: 3 }, done));
    const session = await callback((done) => store.get('consumer-sid', done));
    if (session?.views !== 3) throw new Error('session: get lost the session');

    const Configured = createCacheHandler({ client });
    const configured = new Configured({ revalidatedTags: [], _requestHeaders: {} });
    const page = { kind: 'APP_ROUTE', body: Buffer.from('hello'), status: 200, headers: {} };
    await configured.set('/consumer', page, { tags: [] });
    const cached = await configured.get('/consumer', { kind: 'APP_ROUTE' });
    if (cached?.value?.body?.toString() !== 'hello') throw new Error('next: get lost the entry');

    // next start: import() of the resolved file, then `.default || module`, twice.
    process.env.MEMCACHED_SERVERS = process.env.MEMCACHED_SERVER;
    const namespace = await import(pathToFileURL(require.resolve('@mc/next')).href);
    const loaded = namespace.default || namespace;
    const Handler = loaded.default || loaded;
    const handler = new Handler({ revalidatedTags: [], _requestHeaders: {} });
    if ((await handler.get('/consumer', { kind: 'APP_ROUTE' }))?.value?.body?.toString() !== 'hello')
      throw new Error('next: the default handler does not see the entry');
    await Handler.close();
  } finally {
    await client.close();
  }
  console.log('ok adapters');
}

run().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
