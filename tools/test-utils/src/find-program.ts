import fs from 'node:fs';

const SYSTEM_FOLDERS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** Finds a program on PATH or in the system folders (nutcracker lives in /usr/sbin). */
export function findProgram(name: string): string | undefined {
  const folders = [...(process.env.PATH ?? '').split(':').filter(Boolean), ...SYSTEM_FOLDERS];
  for (const folder of folders) {
    const candidate = `${folder}/${name}`;
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}

/** Like findProgram, but a missing program is a clear error naming the package to install. */
export function requireProgram(name: string, debianPackage = name): string {
  const found = findProgram(name);
  if (!found) {
    throw new Error(
      `${name} is not installed: run 'npm test' from the repository root, or apt-get install ${debianPackage}`,
    );
  }
  return found;
}
