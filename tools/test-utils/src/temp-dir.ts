import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { removeOnExit } from './cleanup.js';

/** A private temporary folder, removed when the process exits. */
export function makeTempDir(prefix = 'mc-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  removeOnExit(dir);
  return dir;
}
