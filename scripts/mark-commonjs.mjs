#!/usr/bin/env node
// The second half of a package's dual build. The package is "type": "module", so Node and
// TypeScript would read the CommonJS files in dist/cjs as ES modules; a package.json there
// that says "commonjs" makes `require()` (and TypeScript's require-resolution types) see them
// for what they are. Run from the package folder: node ../../scripts/mark-commonjs.mjs
import fs from 'node:fs';
import path from 'node:path';

const folder = path.resolve(process.argv[2] ?? 'dist/cjs');
if (!fs.existsSync(folder)) {
  console.error(`mark-commonjs: ${folder} does not exist; build the CommonJS files first`);
  process.exit(1);
}
// `import.meta.url` (kept by TypeScript, a syntax error in CommonJS) becomes this file's URL.
for (const entry of fs.readdirSync(folder, { recursive: true })) {
  const file = path.join(folder, String(entry));
  if (!file.endsWith('.js')) continue;
  const source = fs.readFileSync(file, 'utf8');
  if (!source.includes('import.meta.url')) continue;
  fs.writeFileSync(
    file,
    source.replaceAll('import.meta.url', 'require("node:url").pathToFileURL(__filename).href'),
  );
}
fs.writeFileSync(path.join(folder, 'package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);
