// What a TypeScript consumer writes. The test copies this file to exercise.mts and
// exercise.cts (NodeNext resolution: import and require conditions) and to a bundler-resolution
// project, typechecks each, compiles and runs it against a real memcached.
import { type CliIo, exitCodes, main } from '@mc/cli';
import { Client, MemcacheError, MemcacheIllegalInputError, type Serde } from '@mc/client';
import { MemoryClient } from '@mc/client/testing';
import { Pool } from '@mc/pool';
import { MemcacheError as ProtocolMemcacheError } from '@mc/protocol';
import { defaultSerde } from '@mc/serde';
import { parseAddress } from '@mc/transport';

async function exercise(label: string, server: string): Promise<void> {
  const key = `consumer:${label}:${process.pid}`;
  const client = new Client(server);
  try {
    if (!(await client.set(key, 'hello'))) throw new Error('set did not store');
    const value = await client.get(key);
    if (value !== 'hello') throw new Error(`get returned ${String(value)}`);
    const error: unknown = await client.get('bad key').then(
      () => undefined,
      (reason: unknown) => reason,
    );
    if (!(error instanceof MemcacheIllegalInputError))
      throw new Error(`not an illegal-input error: ${error}`);
    if (!(error instanceof ProtocolMemcacheError)) throw new Error('not a MemcacheError of @mc/protocol');
  } finally {
    await client.close();
  }
  if (MemcacheError !== ProtocolMemcacheError) throw new Error('@mc/client and @mc/protocol loaded twice');

  const memory = new MemoryClient();
  await memory.set(key, 42);
  if ((await memory.get(key)) !== 42) throw new Error('MemoryClient lost the value');
  await memory.close();

  const serde: Serde = defaultSerde;
  const encoded = serde.serialize(key, 'text');
  if (serde.deserialize(key, encoded.value, encoded.flags) !== 'text') throw new Error('serde round trip');
  if (parseAddress(server).name !== server) throw new Error('parseAddress renamed the server');
  if (typeof Pool !== 'function') throw new Error('Pool is not a class');

  let printed = '';
  const io: CliIo = {
    stdout: { write: (chunk) => (printed += String(chunk)) },
    stderr: process.stderr,
    stdin: process.stdin,
    env: {},
  };
  const code = await main(['--server', server, 'get', key], io);
  if (code !== exitCodes.ok || printed !== 'hello\n') throw new Error(`cli get: ${code} ${printed}`);
  process.stdout.write(`ok ${label}\n`);
}

exercise(process.argv[2] ?? 'typescript', process.env.MEMCACHED_SERVER ?? '127.0.0.1:11211').catch(
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
