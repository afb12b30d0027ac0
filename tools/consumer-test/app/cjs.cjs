// Plain JavaScript, CommonJS: `require()` of every package, and errors thrown by the
// required copy recognized by the imported one (and back).
const { Client, MemcacheError, MemcacheIllegalInputError } = require('@mc/client');
const { MemoryClient } = require('@mc/client/testing');
const protocol = require('@mc/protocol');
const { parseAddress } = require('@mc/transport');
const { defaultSerde } = require('@mc/serde');
const { Pool } = require('@mc/pool');
const { main } = require('@mc/cli');

async function run() {
  for (const [name, value] of Object.entries({ MemoryClient, parseAddress, defaultSerde, Pool, main })) {
    if (value === undefined) throw new Error(`cjs: ${name} is missing`);
  }
  if (protocol.MemcacheError !== MemcacheError) throw new Error('cjs: @mc/protocol loaded twice');
  const client = new Client(process.env.MEMCACHED_SERVER);
  try {
    await client.set('consumer:cjs', 'from cjs');
    if ((await client.get('consumer:cjs')) !== 'from cjs') throw new Error('cjs: get lost the value');
    const error = await client.get('bad key').catch((reason) => reason);
    const esm = await import('@mc/client');
    if (!(error instanceof MemcacheIllegalInputError)) throw new Error('cjs: not an illegal-input error');
    if (!(error instanceof esm.MemcacheIllegalInputError)) throw new Error('cjs: the ESM copy disowns it');
    const esmError = new esm.MemcacheIllegalInputError('from the ESM copy');
    if (!(esmError instanceof MemcacheError)) throw new Error('cjs: the CommonJS copy disowns an ESM error');
  } finally {
    await client.close();
  }
  console.log('ok cjs');
}

run().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
