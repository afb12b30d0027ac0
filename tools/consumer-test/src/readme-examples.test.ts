// The documentation's TypeScript examples, compiled and run against real memcached servers so
// that they cannot rot: every ```ts block of README.md, packages/*/README.md and
// packages/*/docs/*.md. A block that is a signature rather than a program says so with
// `<!-- not-run: reason -->` right above it. Examples name 127.0.0.1:11211 (and :11212, :11213
// for several servers); the test gives each of those ports a throwaway server of its own.
// An example that serves HTTP listens on PORT, which the test sets to a free port.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Client } from '@mc/client';
import { freePort, type MemcachedServer, startCluster } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CodeBlock, extractCodeBlocks } from './extract-code-blocks.js';
import { repositoryRoot } from './pack-workspace.js';
import { runProgram } from './run-program.js';

const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');

function documents(): string[] {
  const found = ['README.md'];
  for (const folder of fs.readdirSync(path.join(repositoryRoot, 'packages')).sort()) {
    const base = path.join('packages', folder);
    if (fs.existsSync(path.join(repositoryRoot, base, 'README.md'))) found.push(path.join(base, 'README.md'));
    const docs = path.join(repositoryRoot, base, 'docs');
    if (!fs.existsSync(docs)) continue;
    for (const name of fs.readdirSync(docs).sort())
      if (name.endsWith('.md')) found.push(path.join(base, 'docs', name));
  }
  return found;
}

const blocks: CodeBlock[] = documents().flatMap((document) =>
  extractCodeBlocks(document, fs.readFileSync(path.join(repositoryRoot, document), 'utf8')),
);
const runnable = blocks.filter((block) => block.notRun === undefined);
const fileOf = (block: CodeBlock) => `${block.document.replaceAll(/[/.]/g, '_')}_${block.line}`;

let servers: MemcachedServer[];
let workspace: string;
let diagnostics = '';

beforeAll(async () => {
  servers = await startCluster(3);
  // Inside this package, so the examples resolve @mc/* and their other imports from its node_modules.
  const tmp = path.resolve(import.meta.dirname, '../.tmp');
  fs.mkdirSync(tmp, { recursive: true });
  workspace = fs.mkdtempSync(path.join(tmp, 'readme-'));
  for (const block of runnable) {
    // Ports 11211-11213 become the test's servers; `export {}` keeps each example a module of its own.
    const code = block.code.replaceAll(/\b1121([123])\b/g, (_, digit: string) =>
      String(servers[Number(digit) - 1]!.port),
    );
    fs.writeFileSync(path.join(workspace, `${fileOf(block)}.ts`), `${code}\nexport {};\n`);
  }
  fs.writeFileSync(
    path.join(workspace, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        skipLibCheck: true,
        types: ['node'],
        outDir: 'out',
        noEmitOnError: false,
      },
      include: ['*.ts'],
    }),
  );
  // One compiler run typechecks and emits every example; each test then reads its own errors.
  const result = await runProgram(process.execPath, [tsc, '-p', 'tsconfig.json', '--pretty', 'false'], {
    cwd: workspace,
    timeout: 120_000,
  });
  diagnostics = result.stdout + result.stderr;
}, 180_000);

afterAll(async () => {
  await Promise.all((servers ?? []).map((server) => server.stop()));
  if (workspace !== undefined) fs.rmSync(workspace, { recursive: true, force: true });
});

describe('the documentation examples', () => {
  it('are found, and few are marked as not run', () => {
    expect(runnable.length).toBeGreaterThanOrEqual(10);
    expect(blocks.length - runnable.length).toBeLessThanOrEqual(4);
  });

  it.each(runnable.map((block) => [`${block.document}:${block.line}`, block] as const))(
    '%s typechecks and runs',
    async (_, block) => {
      const errors = diagnostics
        .split('\n')
        .filter((line) => line.startsWith(`${fileOf(block)}.ts(`))
        .map((line) =>
          line.replace(/^[^(]+\((\d+),(\d+)\)/, (__, row: string) => `line ${block.line + Number(row)}`),
        );
      expect(errors, 'type errors').toEqual([]);
      for (const server of servers) {
        const client = new Client(server.address);
        await client.flushAll();
        await client.close();
      }
      const result = await runProgram(process.execPath, [`out/${fileOf(block)}.js`], {
        cwd: workspace,
        env: {
          MEMCACHED_SERVERS: servers[0]!.address,
          MEMCACHED_PORT: String(servers[0]!.port),
          PORT: String(await freePort()),
        },
        timeout: 20_000,
      });
      expect(result.stderr, 'what the example printed on stderr').toBe('');
      expect(result.code, result.stdout).toBe(0);
    },
  );
});
