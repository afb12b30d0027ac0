import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// README (Value types): "V is the value type of the client: the serde's ..., or the one given
// to the constructor (new Client<User>(address)), and it types every read and write. ...
// HashClient, RetryingClient and MemoryClient take the same type parameters."
// So `new RetryingClient<User>(client)` must compile as `new Client<User>(address)` and
// `new HashClient<User>(servers)` do. RetryingClient's type parameter is the wrapped client's
// type instead, so the documented form is a compile error.

const here = path.dirname(fileURLToPath(import.meta.url));
const rootTypes = path.resolve(here, '../../../node_modules/@types');

function diagnosticsOf(source: string): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'review-g-types-'));
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

describe('RetryingClient takes the same type parameter as Client, HashClient and MemoryClient', () => {
  it('the fixture harness itself: Client<User>, HashClient<User>, MemoryClient<User> compile', () => {
    expect(
      diagnosticsOf(`
        import { Client, HashClient } from '@mc/client';
        import { MemoryClient } from '@mc/client/testing';
        interface User { name: string }
        const a = new Client<User>('127.0.0.1:1');
        const b = new HashClient<User>(['127.0.0.1:1']);
        const c = new MemoryClient<User>();
        export const reads: Array<Promise<User | undefined>> = [a.get('k'), b.get('k'), c.get('k')];
      `),
    ).toEqual([]);
  });

  it('new RetryingClient<User>(new Client<User>(address)) compiles and reads users', () => {
    expect(
      diagnosticsOf(`
        import { Client, HashClient, RetryingClient } from '@mc/client';
        interface User { name: string }
        const retrying = new RetryingClient<User>(new Client<User>('127.0.0.1:1'));
        const cluster = new RetryingClient<User>(new HashClient<User>(['127.0.0.1:1']));
        export const reads: Array<Promise<User | undefined>> = [retrying.get('k'), cluster.get('k')];
      `),
    ).toEqual([]);
  });
});
