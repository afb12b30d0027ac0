// A fresh app that installs the packed tarballs, as a user's app would from npm: plain ESM,
// plain CommonJS (`require`), TypeScript with NodeNext resolution (.mts and .cts), with
// bundler resolution and with the old node10 resolution, each against a real memcached. This
// is the check that `exports`, `files`, the rewritten `workspace:*` ranges and the shipped
// types work outside the monorepo.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { makeTempDir, type MemcachedServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FOREIGN_DOCUMENTS } from './foreign-documents.js';
import { packWorkspace, repositoryRoot } from './pack-workspace.js';
import { mustRun } from './run-program.js';

const PUBLISHED = ['protocol', 'transport', 'serde', 'pool', 'client', 'cli', 'keyv', 'session', 'next'];
// The adapters' frameworks, as an app brings them. Peer dependencies are not installed for
// them (`--legacy-peer-deps`): @mc/next needs nothing of `next` at run time, only its types.
const FRAMEWORKS = ['keyv@5.6.0', 'express-session@1.19.0'];
const fixtures = path.resolve(import.meta.dirname, '../app');
const rootRequire = createRequire(path.join(repositoryRoot, 'package.json'));

function versionOf(name: string): string {
  return JSON.parse(fs.readFileSync(rootRequire.resolve(`${name}/package.json`), 'utf8')).version;
}

let server: MemcachedServer;
let dir: string;
let app: string;
let tarballs: Map<string, string>;

function node(...args: string[]): Promise<string> {
  return mustRun(process.execPath, args, {
    cwd: app,
    env: { MEMCACHED_SERVER: server.address },
    timeout: 90_000,
  });
}

beforeAll(async () => {
  server = await startMemcached();
  dir = makeTempDir('mc-consumer-');
  tarballs = await packWorkspace(PUBLISHED, path.join(dir, 'tarballs'));
  app = path.join(dir, 'app');
  fs.mkdirSync(app);
  fs.writeFileSync(
    path.join(app, 'package.json'),
    JSON.stringify({ name: 'consumer-app', version: '1.0.0', private: true, type: 'module' }),
  );
  for (const file of fs.readdirSync(fixtures))
    fs.copyFileSync(path.join(fixtures, file), path.join(app, file));
  for (const [folder, file] of [
    ['nodenext', 'exercise.mts'],
    ['nodenext', 'exercise.cts'],
    ['bundler', 'exercise.ts'],
    ['node10', 'exercise.ts'],
  ] as const) {
    fs.mkdirSync(path.join(app, folder), { recursive: true });
    fs.copyFileSync(path.join(fixtures, 'exercise.ts'), path.join(app, folder, file));
  }
  await mustRun(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--loglevel=error',
      '--legacy-peer-deps',
      ...tarballs.values(),
      ...FRAMEWORKS,
      `typescript@${versionOf('typescript')}`,
      `@types/node@${versionOf('@types/node')}`,
    ],
    { cwd: app, timeout: 120_000 },
  );
}, 180_000);

afterAll(async () => {
  await server?.stop();
  // The app holds a node_modules of its own: remove it now rather than trust the exit hook.
  if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
});

/** Every file under a folder, as paths relative to it. */
function listFiles(folder: string): string[] {
  return fs
    .readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((file) => fs.statSync(path.join(folder, file)).isFile());
}

describe.each(PUBLISHED)('the tarball of packages/%s', (folder) => {
  const installed = () => {
    const manifest = JSON.parse(
      fs.readFileSync(path.join(repositoryRoot, 'packages', folder, 'package.json'), 'utf8'),
    );
    return { manifest, directory: path.join(app, 'node_modules', manifest.name) };
  };

  it('carries the license and says where its source lives', () => {
    const { manifest, directory } = installed();
    expect(manifest.license).toBe('MIT');
    expect(fs.readFileSync(path.join(directory, 'LICENSE'), 'utf8')).toBe(
      fs.readFileSync(path.join(repositoryRoot, 'LICENSE'), 'utf8'),
    );
    expect(manifest.repository).toMatchObject({ type: 'git', directory: `packages/${folder}` });
    expect(manifest.repository.url).toMatch(/^git\+https:\/\/.+\.git$/);
  });

  it('ships every file its documentation links to, and names no document outside itself', () => {
    const { directory } = installed();
    const files = listFiles(directory).filter((file) => !file.startsWith('node_modules'));
    const documents = files.filter((file) => file.endsWith('.md'));
    expect(documents).toContain('README.md');
    for (const document of documents) {
      const text = fs.readFileSync(path.join(directory, document), 'utf8');
      for (const match of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = match[1]!.split('#')[0]!;
        if (target === '' || /^[a-z]+:/.test(target)) continue;
        const resolved = path.join(path.dirname(document), target);
        expect(fs.existsSync(path.join(directory, resolved)), `${document} links to ${target}`).toBe(true);
      }
    }
    for (const file of files.filter((name) => /\.(md|ts|js)$/.test(name))) {
      const text = fs.readFileSync(path.join(directory, file), 'utf8');
      for (const foreign of FOREIGN_DOCUMENTS)
        expect(text.includes(foreign), `${file} names ${foreign}`).toBe(false);
    }
  });
});

describe('the packed tarballs in a fresh app', () => {
  it('load with import (plain ESM)', async () => {
    expect(await node('esm.mjs')).toBe('ok esm\n');
  });

  it('load with require() (plain CommonJS), and their errors are recognized by the ESM copy', async () => {
    expect(await node('cjs.cjs')).toBe('ok cjs\n');
  });

  it('adapters load with require() and take a client made by the ESM copy of @mc/client', async () => {
    expect(await node('adapters.cjs')).toBe('ok adapters\n');
  });

  it('typecheck and run under TypeScript NodeNext resolution, as .mts and as .cts', async () => {
    await node('node_modules/typescript/bin/tsc', '-p', 'tsconfig.nodenext.json');
    expect(await node('out/nodenext/exercise.mjs', 'nodenext-esm')).toBe('ok nodenext-esm\n');
    expect(await node('out/nodenext/exercise.cjs', 'nodenext-cjs')).toBe('ok nodenext-cjs\n');
  });

  it('install the memcli command, and no command named mc (Midnight Commander, MinIO)', async () => {
    const bin = path.join(app, 'node_modules', '.bin');
    expect(fs.existsSync(path.join(bin, 'mc'))).toBe(false);
    const at = ['--server', server.address];
    await mustRun(path.join(bin, 'memcli'), [...at, 'set', 'consumer:bin', 'from the command line'], {
      cwd: app,
    });
    expect(await mustRun(path.join(bin, 'memcli'), [...at, 'get', 'consumer:bin'], { cwd: app })).toBe(
      'from the command line\n',
    );
  });

  it('typecheck and run under TypeScript bundler resolution', async () => {
    await node('node_modules/typescript/bin/tsc', '-p', 'tsconfig.bundler.json');
    expect(await node('out/bundler/exercise.js', 'bundler')).toBe('ok bundler\n');
  });

  // The old resolution (module CommonJS, no esModuleInterop) knows no `exports` map: subpaths
  // such as @mc/client/testing need typesVersions, and the CommonJS declarations must not
  // default-import Node's modules.
  it('typecheck and run under TypeScript node10 resolution, without esModuleInterop', async () => {
    await node('node_modules/typescript/bin/tsc', '-p', 'tsconfig.node10.json');
    fs.writeFileSync(path.join(app, 'out/node10/package.json'), JSON.stringify({ type: 'commonjs' }));
    expect(await node('out/node10/exercise.js', 'node10')).toBe('ok node10\n');
  });
});
