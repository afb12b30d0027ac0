// README (--json): "bytes print as {"base64": "…"}; … so a value printed by `get` stores back
// unchanged", bytes too: `--json set` reads the printed object back as the bytes, so copying a
// binary value through `memcli --json get` / `memcli --json set` keeps it intact.
import { Client } from '@mc/client';
import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { main } from './main.js';

let server: MemcachedServer;
beforeAll(async () => {
  server = await startMemcached();
});
afterAll(async () => {
  await server?.stop();
});

async function run(argv: string[]): Promise<{ code: number; stdout: string }> {
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  const stderr = new PassThrough();
  stderr.resume();
  const stdin = new PassThrough();
  stdin.end();
  const code = await main(['--server', server.address, ...argv], { stdout, stderr, stdin, env: {} });
  return { code, stdout: Buffer.concat(chunks).toString('utf8') };
}

it('a bytes value printed by --json get stores back as the same bytes with --json set', async () => {
  const client = new Client(server.address);
  const bytes = Uint8Array.from([0, 1, 255, 10]);
  await client.set('bin:src', bytes);
  const printed = await run(['--json', 'get', 'bin:src']);
  expect(printed).toEqual({ code: 0, stdout: '{"base64":"AAH/Cg=="}\n' });
  expect((await run(['--json', 'set', 'bin:copy', printed.stdout.trim()])).code).toBe(0);
  const copy = await client.get('bin:copy');
  await client.close();
  expect(copy).toEqual(bytes);
});
