import { ensureSystemTools } from '../../scripts/ensure-system-tools.mjs';
import { pythonHas } from './python-runner.mjs';

/**
 * The seed's Python clients come from Debian (python3-pymemcache, python3-pylibmc,
 * python3-memcache) for /usr/bin/python3: installed here when missing and possible. Returns
 * the clients that still cannot run, with the reason.
 */
export function ensurePythonClients(definitions, progress = (text) => process.stderr.write(`${text}\n`)) {
  const python = definitions.filter((definition) => definition.python);
  const missing = () => python.filter((definition) => !pythonHas(definition.python.module));
  let absent = missing();
  if (absent.length > 0) {
    const packages = ['python3', ...absent.map((definition) => definition.python.debian)];
    progress(
      `Python clients missing: ${absent.map((definition) => definition.id).join(', ')}; trying apt-get`,
    );
    ensureSystemTools({ need: packages, optional: true });
    absent = missing();
  }
  return new Map(
    absent.map((definition) => [
      definition.id,
      `/usr/bin/python3 cannot import ${definition.python.module} (install ${definition.python.debian})`,
    ]),
  );
}
