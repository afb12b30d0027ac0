import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const src = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rootTypes = path.resolve(src, '../../../node_modules/@types');

/**
 * Type-checks `source` as a user's strict ES module that imports '@mc/client' (and
 * '@mc/client/testing') from this source tree, and returns its compile errors: type tests
 * assert what compiles and what does not without running any of it. `options` adds to the
 * strict defaults (a user's `exactOptionalPropertyTypes`, say).
 */
export function diagnosticsOf(source: string, options: ts.CompilerOptions = {}): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-type-fixture-'));
  const file = path.join(dir, 'fixture.mts');
  const index = JSON.stringify(path.join(src, 'index.js'));
  const testing = JSON.stringify(path.join(src, 'testing', 'index.js'));
  fs.writeFileSync(
    file,
    source.replaceAll("'@mc/client/testing'", testing).replaceAll("'@mc/client'", index),
  );
  try {
    const program = ts.createProgram([file], {
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      typeRoots: [rootTypes],
      types: ['node'],
      ...options,
    });
    return ts
      .getPreEmitDiagnostics(program)
      .filter((diagnostic) => diagnostic.file?.fileName === file)
      .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
