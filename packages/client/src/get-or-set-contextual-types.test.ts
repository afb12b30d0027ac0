import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// getOrSet's loader used to be contextually typed by the type the caller expects of the result
// (`const user: User = await client.getOrSet(...)`, or a function declared `Promise<User>`
// returning it): TypeScript inferred T from that expected type, so an object literal whose
// field is a union of literals (`role: 'admin'`) kept its literal and the call compiled. The
// loader-type overload infers F from the loader alone, widens `'admin'` to `string`, and the
// same, previously valid, code no longer compiles.

const here = path.dirname(fileURLToPath(import.meta.url));
const rootTypes = path.resolve(here, '../../../node_modules/@types');

function diagnosticsOf(source: string): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'review-o-types-'));
  const file = path.join(dir, 'fixture.mts');
  const index = JSON.stringify(path.join(here, 'index.js'));
  const testing = JSON.stringify(path.join(here, 'testing', 'index.js'));
  fs.writeFileSync(
    file,
    source.replaceAll("'@mc/client/testing'", testing).replaceAll("'@mc/client'", index),
  );
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    typeRoots: [rootTypes],
    types: ['node'],
  });
  const result = ts
    .getPreEmitDiagnostics(program)
    .filter((diagnostic) => diagnostic.file?.fileName === file)
    .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
  fs.rmSync(dir, { recursive: true, force: true });
  return result;
}

describe('getOrSet on an untyped client: the expected result type still types the loader', () => {
  it('Client, HashClient and MemoryClient accept an object-literal loader typed by the declared result', () => {
    // The same calls against the previous signature compile.
    expect(
      diagnosticsOf(`
        import type { DefaultValue, GetOrSetOptions, ReadValue } from '@mc/client';
        declare class Before<V = DefaultValue> {
          getOrSet<T extends V | undefined = ReadValue<V>>(
            key: string, loader: () => T | Promise<T>, options: GetOrSetOptions): Promise<T>;
        }
        interface User { name: string; role: 'admin' | 'user' }
        const client = new Before();
        export const user: User = await client.getOrSet('u', async () => ({ name: 'a', role: 'admin' }), { ttl: 60 });
        export async function load(): Promise<User> {
          return client.getOrSet('u', () => ({ name: 'a', role: 'admin' }), { ttl: 60 });
        }
      `),
    ).toEqual([]);
    expect(
      diagnosticsOf(`
        import { Client, HashClient } from '@mc/client';
        import { MemoryClient } from '@mc/client/testing';
        interface User { name: string; role: 'admin' | 'user' }
        const client = new Client('127.0.0.1:1');
        const cluster = new HashClient(['127.0.0.1:1']);
        const memory = new MemoryClient();
        export const a: User = await client.getOrSet('u', async () => ({ name: 'a', role: 'admin' }), { ttl: 60 });
        export const b: User = await cluster.getOrSet('u', async () => ({ name: 'a', role: 'admin' }), { ttl: 60 });
        export async function load(): Promise<User> {
          return memory.getOrSet('u', () => ({ name: 'a', role: 'admin' }), { ttl: 60 });
        }
      `),
    ).toEqual([]);
  });
});
