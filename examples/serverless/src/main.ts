// `npm run example -- serverless`: invokes the handler several times in this process, then
// once in a child process that must exit on its own, against a throwaway memcached (or the
// servers MEMCACHED_SERVERS names).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Client } from '@mc/client';
import { startMemcached } from '@mc/test-utils';

const own = process.env.MEMCACHED_SERVERS ? undefined : await startMemcached();
if (own) process.env.MEMCACHED_SERVERS = own.address;
// Imported after the environment is set: the handler's module builds its client on load.
const { client, handler } = await import('./handler.js');

// A client of our own, to read the server's connection counter around the invocations.
const probe = new Client((process.env.MEMCACHED_SERVERS ?? '').split(',')[0]!);
const connections = async () => Number((await probe.stats()).total_connections);

try {
  const before = await connections();
  for (let invocation = 1; invocation <= 5; invocation++) {
    const started = performance.now();
    const result = await handler({ name: 'Ada' });
    const elapsed = (performance.now() - started).toFixed(1);
    console.log(`invocation ${invocation}: ${result.statusCode} ${result.body} in ${elapsed} ms`);
  }
  console.log(`5 invocations opened ${(await connections()) - before} connection: one client, reused`);

  const started = performance.now();
  const child = spawn(
    process.execPath,
    [fileURLToPath(new URL('./invoke-once.js', import.meta.url)), 'Grace'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let output = '';
  child.stdout.on('data', (data: Buffer) => {
    output += data.toString();
  });
  const exited = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
  console.log(`child invocation: ${output.trim()}`);
  if (exited) {
    console.log(
      `child exited on its own ${(performance.now() - started).toFixed(0)} ms after starting, without close()`,
    );
  } else {
    child.kill();
    // Idle sockets are unref'd by @mc/transport; until then this is what happens.
    console.log('child still running after 5 s: an idle socket kept its event loop alive');
  }
} finally {
  await probe.close();
  await client.close();
  await own?.stop();
}
