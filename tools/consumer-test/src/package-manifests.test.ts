// Every published package in packages/ follows one packaging pattern, so a new package (an
// adapter, say) cannot ship ESM-only, without types for require, or without its license.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repositoryRoot } from './pack-workspace.js';

const published = fs
  .readdirSync(path.join(repositoryRoot, 'packages'))
  .filter((folder) => fs.existsSync(path.join(repositoryRoot, 'packages', folder, 'package.json')))
  .map((folder) => ({
    folder,
    manifest: JSON.parse(
      fs.readFileSync(path.join(repositoryRoot, 'packages', folder, 'package.json'), 'utf8'),
    ),
  }))
  .filter(({ manifest }) => manifest.private !== true);

describe.each(published)('packages/$folder/package.json', ({ folder, manifest }) => {
  it('maps every entry point to an ES module and a CommonJS file, each with its own types', () => {
    for (const [entry, target] of Object.entries(manifest.exports as Record<string, unknown>)) {
      if (entry === './package.json') continue;
      const sub = entry === '.' ? '' : `${entry.slice(2)}/`;
      expect(target, entry).toEqual({
        import: { types: `./dist/${sub}index.d.ts`, default: `./dist/${sub}index.js` },
        require: { types: `./dist/cjs/${sub}index.d.ts`, default: `./dist/cjs/${sub}index.js` },
      });
    }
    expect(manifest.exports['./package.json']).toBe('./package.json');
    expect([manifest.type, manifest.main, manifest.types]).toEqual([
      'module',
      './dist/cjs/index.js',
      './dist/cjs/index.d.ts',
    ]);
    expect(manifest.scripts.build).toBe(
      'tsc -b tsconfig.build.json && tsc -p tsconfig.cjs.json && node ../../scripts/mark-commonjs.mjs dist/cjs',
    );
    expect(fs.existsSync(path.join(repositoryRoot, 'packages', folder, 'tsconfig.cjs.json'))).toBe(true);
    // attw's default profile includes node10, which the subpaths' typesVersions serve.
    expect(manifest.scripts.packcheck).toBe('publint --strict --pack npm && attw --pack .');
    const subpaths = Object.keys(manifest.exports).filter(
      (entry) => entry.startsWith('./') && entry !== './package.json',
    );
    const typesVersions = Object.fromEntries(
      subpaths.map((entry) => [entry.slice(2), [`./dist/cjs/${entry.slice(2)}/index.d.ts`]]),
    );
    expect(manifest.typesVersions).toEqual(subpaths.length === 0 ? undefined : { '*': typesVersions });
  });

  it('ships its README and the license, and says where its source lives', () => {
    expect(manifest.license).toBe('MIT');
    expect(manifest.files).toEqual(expect.arrayContaining(['dist', 'README.md', 'LICENSE']));
    expect(manifest.repository).toEqual({
      type: 'git',
      url: 'git+https://github.com/mc-client/mc.git',
      directory: `packages/${folder}`,
    });
    expect(manifest.engines).toEqual({ node: '>=20' });
    expect(manifest.publishConfig).toEqual({ access: 'public' });
  });
});
