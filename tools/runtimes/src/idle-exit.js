// The process lifecycle a client promises: a request in flight keeps the process alive until it
// settles, and an idle client does not keep it alive. This script reads from a real server and
// starts a get on a silent one (timeout 1000 ms), then neither closes its clients nor exits.
// The harness expects both result lines and the process to end by itself soon after.
//
//   node src/idle-exit.js <memcached host:port> <silent host:port>
import process from 'node:process';
import { Client } from '@mc/client';

const [server = '127.0.0.1:11211', silent = '127.0.0.1:1'] = process.argv.slice(2);
const client = new Client(server);
await client.set('rt:idle-exit', 'idle');
console.log(`idle client read ${await client.get('rt:idle-exit')}`);
new Client(silent, { timeout: 1000 }).get('rt:idle-exit').then(
  (value) => console.log(`in-flight get resolved ${value}`),
  (error) => console.log(`in-flight get settled with ${error.name}`),
);
