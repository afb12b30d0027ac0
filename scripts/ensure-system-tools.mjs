// Makes sure the programs the tests and the demo start exist. On Debian as root it installs
// them with apt-get; elsewhere it says what to install, since guessing a package manager is
// worse than a clear message.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

const DEBIAN_PACKAGES = {
  memcached: 'memcached',
  nutcracker: 'nutcracker',
  openssl: 'openssl',
  python3: 'python3',
  tmux: 'tmux',
  // The seed's Python clients that `npm run bench` compares with; the bench checks them with an
  // import under /usr/bin/python3 (they are modules, not programs on PATH) and asks for these.
  'python3-pymemcache': 'python3-pymemcache',
  'python3-pylibmc': 'python3-pylibmc',
  'python3-memcache': 'python3-memcache',
};

const SEARCH_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** Finds a program on PATH or in the system folders that root's PATH may lack. */
export function findProgram(name) {
  const folders = [...(process.env.PATH ?? '').split(':').filter(Boolean), ...SEARCH_PATH];
  for (const folder of folders) {
    const candidate = `${folder}/${name}`;
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}

export function ensureSystemTools({ need, optional = false }) {
  const missing = need.filter((name) => !findProgram(name));
  if (missing.length === 0) return true;
  const packages = missing.map((name) => DEBIAN_PACKAGES[name] ?? name);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = Boolean(findProgram('apt-get'));
  if (isRoot && hasApt) {
    console.log(`Installing ${packages.join(', ')} with apt-get (needed by the tests and the demo)...`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    const result = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], {
      stdio: 'inherit',
      env,
    });
    // Debian starts memcached as a service on 11211 after install; our harness never uses it.
    spawnSync('sh', [
      '-c',
      'command -v systemctl >/dev/null && systemctl stop memcached nutcracker 2>/dev/null; true',
    ]);
    const still = need.filter((name) => !findProgram(name));
    if (result.status === 0 && still.length === 0) return true;
    if (!optional) {
      console.error(`apt-get could not install: ${still.join(', ')}`);
      process.exit(1);
    }
    return false;
  }
  const message =
    `Missing programs: ${missing.join(', ')}. Install them first, for example on Debian or Ubuntu:\n` +
    `  sudo apt-get install ${packages.join(' ')}\n` +
    `or on macOS: brew install ${packages.map((name) => (name === 'nutcracker' ? 'twemproxy' : name)).join(' ')}`;
  if (optional) {
    console.warn(message);
    return false;
  }
  console.error(message);
  process.exit(1);
}

/**
 * Makes sure `/usr/bin/python3` can import each of `modules` ({ module, debian }): the tests
 * check placement and values against the real pymemcache and pylibmc, which Debian packages
 * for the system Python. Installs the missing packages with apt-get, as above, or exits with
 * what to install.
 */
export function ensurePythonModules(modules) {
  const missing = () =>
    modules.filter(
      ({ module }) =>
        spawnSync('/usr/bin/python3', ['-c', `import ${module}`], { stdio: 'ignore' }).status !== 0,
    );
  if (missing().length === 0) return;
  ensureSystemTools({ need: missing().map(({ debian }) => debian), optional: true });
  const still = missing();
  if (still.length === 0) return;
  console.error(
    `/usr/bin/python3 cannot import ${still.map(({ module }) => module).join(', ')}; install ${still.map(({ debian }) => debian).join(' ')}`,
  );
  process.exit(1);
}
