// Plain JavaScript, ES modules: what `import` of the installed tarballs gives.
import { Client, MemcacheIllegalInputError } from '@mc/client';
import { MemoryClient } from '@mc/client/testing';

const client = new Client(process.env.MEMCACHED_SERVER);
await client.set('consumer:esm', 'from esm');
if ((await client.get('consumer:esm')) !== 'from esm') throw new Error('esm: get lost the value');
await client.get('bad key').then(
  () => {
    throw new Error('esm: a bad key was accepted');
  },
  (error) => {
    if (!(error instanceof MemcacheIllegalInputError)) throw error;
  },
);
await client.close();
await new MemoryClient().close();
console.log('ok esm');
