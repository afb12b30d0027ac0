import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// msgpackr is loaded on first use of msgpackSerde, not by `import('@mc/client')` or
// `import('@mc/serde')`: it is a large share of the cold start and most apps never use it.
// Each check runs in a fresh Node.js process that records every module it loads: ES modules
// through a resolve hook, CommonJS through require.cache.

const run = promisify(execFile);
const packageDirectory = fileURLToPath(new URL('..', import.meta.url));
const clientEntry = pathToFileURL(path.join(packageDirectory, 'dist/index.js')).href;
const serdeEntry = pathToFileURL(path.join(packageDirectory, 'node_modules/@mc/serde/dist/index.js')).href;
let directory: string;
let hooks: string;

beforeAll(() => {
  directory = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-lazy-'));
  hooks = path.join(directory, 'hooks.mjs');
  fs.writeFileSync(
    hooks,
    `import { writeSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  writeSync(2, 'loaded ' + result.url + '\\n');
  return result;
}
`,
  );
});

afterAll(() => {
  fs.rmSync(directory, { recursive: true, force: true });
});

/** Runs `body` as an ES module in a child process; answers what it printed and what loaded. */
async function inChild(body: string): Promise<{ output: string; loaded: string[] }> {
  const script = path.join(directory, `script-${Math.random().toString(36).slice(2)}.mjs`);
  fs.writeFileSync(
    script,
    `import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const clientEntry = ${JSON.stringify(clientEntry)};
const serdeEntry = ${JSON.stringify(serdeEntry)};
${body}
process.stderr.write(Object.keys(require.cache).map((file) => 'loaded ' + file + '\\n').join(''));
`,
  );
  const register = `import { register } from 'node:module'; register(${JSON.stringify(pathToFileURL(hooks).href)});`;
  const { stdout, stderr } = await run(
    process.execPath,
    ['--import', `data:text/javascript,${encodeURIComponent(register)}`, script],
    { cwd: directory },
  );
  const loaded = stderr
    .split('\n')
    .filter((line) => line.startsWith('loaded '))
    .map((line) => line.slice('loaded '.length));
  return { output: stdout.trim(), loaded };
}

const msgpackr = (loaded: string[]) => loaded.filter((file) => file.includes('msgpackr'));

describe('msgpackr loads lazily', () => {
  it('importing @mc/client or @mc/serde does not load msgpackr', async () => {
    const { loaded } = await inChild(
      `const modules = [await import(clientEntry), await import(serdeEntry)];
console.log(typeof modules[0].msgpackSerde, typeof modules[1].msgpackSerde);`,
    );
    expect(loaded.some((file) => file.includes('serde'))).toBe(true); // the hook sees modules
    expect(msgpackr(loaded)).toEqual([]);
  });

  it('msgpackSerde loads it on first use and works synchronously', async () => {
    const { output, loaded } = await inChild(
      `const { msgpackSerde } = await import(clientEntry);
const { value, flags } = msgpackSerde.serialize('k', { n: 1n, when: new Date(0), tags: new Set(['a']) });
const back = msgpackSerde.deserialize('k', value, flags);
console.log(flags, typeof back.n, back.when instanceof Date, back.tags instanceof Set);`,
    );
    expect(output).toBe('64 bigint true true');
    expect(msgpackr(loaded).length).toBeGreaterThan(0);
  });
});
