import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Next.js loads `cacheHandler` by path, with import() in `next start` and, in next.config.js,
// `require.resolve('@mc/next')` finds it; both must reach the built default export. This runs
// the built package (dist/) in a plain Node.js, by its own name, as an app would.
const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function runNode(script: string, type: 'commonjs' | 'module'): unknown {
  const output = execFileSync(process.execPath, [`--input-type=${type}`, '-e', script], {
    cwd: packageDir,
    encoding: 'utf8',
    env: { ...process.env, MEMCACHED_SERVERS: '127.0.0.1:1' },
  });
  return JSON.parse(output);
}

const describeModule = `
  const Handler = module.default;
  const handler = new Handler({ revalidatedTags: [], _requestHeaders: {} });
  const shape = {
    defaultIsClass: typeof Handler === 'function',
    createCacheHandler: typeof module.createCacheHandler,
    methods: ['get', 'set', 'revalidateTag', 'resetRequestCache'].map((name) => typeof handler[name]),
  };
  console.log(JSON.stringify(shape));`;

const expected = {
  defaultIsClass: true,
  createCacheHandler: 'function',
  methods: ['function', 'function', 'function', 'function'],
};

describe('module formats', () => {
  it('loads with require() (CommonJS next.config, require.resolve)', () => {
    const script = `const resolved = require.resolve('@mc/next');
      if (!resolved.endsWith('dist/cjs/index.js')) throw new Error(resolved);
      const module = require('@mc/next');${describeModule}`;
    expect(runNode(script, 'commonjs')).toStrictEqual(expected);
  });

  it('loads with import(), as next start does, default export first', () => {
    const script = `const module = await import('@mc/next');${describeModule}`;
    expect(runNode(script, 'module')).toStrictEqual(expected);
  });

  it('loads as next start loads the require.resolve path: import(), then .default || module twice', () => {
    // next-server and the incremental cache do `import(path).then((m) => m.default || m)` and
    // then interopDefault (`.default || m`) again; the resolved file is the CommonJS build.
    const script = `const { pathToFileURL } = require('node:url');
      const resolved = require.resolve('@mc/next');
      import(pathToFileURL(resolved).href).then((namespace) => {
        const loaded = namespace.default || namespace;
        const module = { default: loaded.default || loaded, createCacheHandler: namespace.createCacheHandler };
        ${describeModule}
      });`;
    expect(runNode(script, 'commonjs')).toStrictEqual(expected);
  });

  describe("@mc/next/use-cache, the 'use cache' handler (cacheHandlers in next.config)", () => {
    // Next loads each `cacheHandlers` path as it loads `cacheHandler`, import() then
    // `.default || module` twice, and takes the result as the handler object itself.
    const describeHandler = `
      const methods = ['get', 'set', 'refreshTags', 'getExpiration', 'updateTags', 'close'];
      console.log(JSON.stringify({
        methods: methods.map((name) => typeof handler[name]),
        createUseCacheHandler: typeof createUseCacheHandler,
      }));`;
    const expectedHandler = {
      methods: ['function', 'function', 'function', 'function', 'function', 'function'],
      createUseCacheHandler: 'function',
    };

    it('loads with require() from its CommonJS build', () => {
      const script = `const resolved = require.resolve('@mc/next/use-cache');
        if (!resolved.endsWith('dist/cjs/use-cache/index.js')) throw new Error(resolved);
        const { default: handler, createUseCacheHandler } = require('@mc/next/use-cache');${describeHandler}`;
      expect(runNode(script, 'commonjs')).toStrictEqual(expectedHandler);
    });

    it('loads with import()', () => {
      const script = `const { default: handler, createUseCacheHandler } = await import('@mc/next/use-cache');${describeHandler}`;
      expect(runNode(script, 'module')).toStrictEqual(expectedHandler);
    });

    it('loads as next start loads the require.resolve path', () => {
      const script = `const { pathToFileURL } = require('node:url');
        const resolved = require.resolve('@mc/next/use-cache');
        import(pathToFileURL(resolved).href).then((namespace) => {
          const loaded = namespace.default || namespace;
          const handler = loaded.default || loaded;
          const { createUseCacheHandler } = namespace;${describeHandler}
        });`;
      expect(runNode(script, 'commonjs')).toStrictEqual(expectedHandler);
    });
  });
});
