// The repository's documentation stands on its own: no file names a document that lives
// outside the repository, and every relative markdown link points at a file that exists.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FOREIGN_DOCUMENTS } from './foreign-documents.js';
import { repositoryRoot } from './pack-workspace.js';

const TEXT = /\.(md|ts|mts|cts|js|mjs|cjs|json|ya?ml|sh)$/;

const tracked = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
  cwd: repositoryRoot,
  encoding: 'utf8',
})
  .split('\n')
  .filter((file) => TEXT.test(file) && fs.existsSync(path.join(repositoryRoot, file)));

describe('the repository', () => {
  it('names no document that is not in it', () => {
    const offenders = tracked.flatMap((file) => {
      const text = fs.readFileSync(path.join(repositoryRoot, file), 'utf8');
      return FOREIGN_DOCUMENTS.filter((name) => text.includes(name)).map((name) => `${file}: ${name}`);
    });
    expect(offenders).toEqual([]);
  });

  it('has a file behind every relative markdown link', () => {
    const broken = tracked
      .filter((file) => file.endsWith('.md') && !file.startsWith('.changeset/'))
      .flatMap((file) => {
        const text = fs.readFileSync(path.join(repositoryRoot, file), 'utf8');
        return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
          .map((match) => match[1]!.split('#')[0]!)
          .filter((target) => target !== '' && !/^[a-z]+:/.test(target))
          .filter((target) => !fs.existsSync(path.join(repositoryRoot, path.dirname(file), target)))
          .map((target) => `${file} → ${target}`);
      });
    expect(broken).toEqual([]);
  });
});
