// A TypeScript and a Python process sharing one cache. The TypeScript side writes with
// defaultSerde (strings, integers and bytes under pymemcache's flags) and pickleSerde (objects
// as Python pickles); python_side.py reads them with the standard library, increments a
// counter and writes pickles of its own; TypeScript reads those back with defaultSerde, whose
// pickle decoder never runs code.
//
//   TypeScript ── set greeting (16), visits (2), raw (0), profile (1, pickle) ──► memcached
//   python3    ── get them, incr visits, set from-python (pickle), python-text (16) ──► memcached
//   TypeScript ── get everything back
//
// `npm start` starts a throwaway memcached unless MEMCACHED_SERVERS names one.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, pickleSerde } from '@mc/client';
import { type MemcachedServer, startMemcached } from '@mc/test-utils';

let throwaway: MemcachedServer | undefined;
let address = process.env.MEMCACHED_SERVERS?.split(',')[0];
if (!address) {
  throwaway = await startMemcached();
  address = throwaway.address;
}

const client = new Client(address); // defaultSerde
const pickled = new Client(address, { serde: pickleSerde });
try {
  await client.set('greeting', 'hello from TypeScript');
  await client.set('visits', 41);
  await client.set('raw', Buffer.from([0xca, 0xfe]));
  await pickled.set('profile', { name: 'Ada', languages: ['typescript', 'python'], score: 1.5 });
  console.log('typescript wrote greeting, visits, raw and profile');

  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'python_side.py');
  const python = spawnSync('python3', [script, address], { stdio: 'inherit', timeout: 20_000 });
  if (python.error) throw python.error;
  if (python.status !== 0) throw new Error(`python3 exited with ${python.status}`);

  const back = await client.getMany(['visits', 'from-python', 'python-text', 'python-big']);
  for (const [key, value] of back) console.log(`typescript read ${JSON.stringify(key)}:`, value);
  if (back.get('visits') !== 42 || back.get('python-text') !== 'written by Python ✓') {
    throw new Error('the values did not make the round trip');
  }
} finally {
  await client.close();
  await pickled.close();
  await throwaway?.stop();
}
