import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// @opentelemetry/api is an optional peer dependency: loading @mc/client must not load it, and
// instrumentMetrics must load it on demand from both builds. Each check runs the built package
// in a fresh Node.js process (the CommonJS build through require, the ES build through import).

const run = promisify(execFile);
const packageDirectory = fileURLToPath(new URL('../..', import.meta.url));
const commonJsEntry = path.join(packageDirectory, 'dist/cjs/index.js');
const esEntry = pathToFileURL(path.join(packageDirectory, 'dist/index.js')).href;

const body = `
const loadedOtel = () => Object.keys(require.cache).filter((file) => file.includes('@opentelemetry')).length;
const client = new Client('127.0.0.1:1');
const before = loadedOtel();
instrumentMetrics(client).then((instrumentation) => {
  instrumentation.stop();
  console.log(before, loadedOtel() > 0 ? 'loaded' : 'not loaded');
  return client.close();
});`;

describe('@opentelemetry/api loads only when instrumentMetrics needs it', () => {
  it('in the CommonJS build', async () => {
    const script = `const { Client, instrumentMetrics } = require(${JSON.stringify(commonJsEntry)});${body}`;
    const { stdout } = await run(process.execPath, ['-e', script], { cwd: packageDirectory });
    expect(stdout.trim()).toBe('0 loaded');
  });

  it('in the ES module build', async () => {
    const script = `const { Client, instrumentMetrics } = await import(${JSON.stringify(esEntry)});
const client = new Client('127.0.0.1:1');
const instrumentation = await instrumentMetrics(client);
instrumentation.stop();
await client.close();
console.log('ok');`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: packageDirectory,
    });
    expect(stdout.trim()).toBe('ok');
  });
});
