import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** The installed version of a dependency, read from its package.json next to its entry point. */
export function packageVersion(name) {
  try {
    return require(`${name}/package.json`).version;
  } catch {}
  try {
    let folder = path.dirname(require.resolve(name));
    for (;;) {
      const file = path.join(folder, 'package.json');
      if (fs.existsSync(file)) {
        const manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
        if (manifest.name === name) return manifest.version;
      }
      const parent = path.dirname(folder);
      if (parent === folder) return undefined;
      folder = parent;
    }
  } catch {
    return undefined;
  }
}
