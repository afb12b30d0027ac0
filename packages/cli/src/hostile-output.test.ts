import { onLines, startFakeServer } from '@mc/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type CliIo, main } from './index.js';
import { printable } from './printable.js';

// A server's own text (stat names and values, its version, its error lines) used to reach
// the terminal as it came: a hostile or broken server could send escape sequences that set
// the window title, clear the screen or recolour what follows. Control characters in it are
// now shown escaped; values read with `get` are still written byte for byte.
const ESCAPES = '\x1b]0;owned\x07\x1b[2J\x1b[31m';

let fake: Awaited<ReturnType<typeof startFakeServer>>;

beforeAll(async () => {
  fake = await startFakeServer((socket) =>
    onLines(socket, (line) => {
      if (line === 'stats') socket.write(`STAT pid 1\r\nSTAT evil${ESCAPES} red${ESCAPES}\r\nEND\r\n`);
      else if (line === 'version') socket.write(`VERSION 1.6.18${ESCAPES}\r\n`);
      else if (line.startsWith('delete ')) socket.write(`SERVER_ERROR busy${ESCAPES}\r\n`);
      else if (line.startsWith('get ')) socket.write(`VALUE k 0 ${ESCAPES.length}\r\n${ESCAPES}\r\nEND\r\n`);
    }),
  );
});

afterAll(async () => {
  await fake.close();
});

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (chunk) => (stdout += Buffer.from(chunk).toString('latin1')) },
    stderr: { write: (chunk) => (stderr += Buffer.from(chunk).toString('latin1')) },
    stdin: (async function* () {})(),
    env: {},
  };
  const code = await main(['--server', fake.address, ...argv], io);
  return { code, stdout, stderr };
}

it('printable escapes control characters and leaves the rest, tabs and newlines too', () => {
  expect(printable('plain\ttext\n')).toBe('plain\ttext\n');
  expect(printable('a\x1b[31mb\x07\x00\x7f\x9bé')).toBe('a\\x1b[31mb\\x07\\x00\\x7f\\x9bé');
});

it('stats, version and server errors reach the terminal with control characters escaped', async () => {
  const stats = await run('stats');
  expect(printable(stats.stdout)).toBe(stats.stdout);
  expect(stats.stdout).toContain('evil\\x1b]0;owned\\x07\\x1b[2J\\x1b[31m red');
  const version = await run('version');
  expect(version.stdout).toBe('1.6.18\\x1b]0;owned\\x07\\x1b[2J\\x1b[31m\n');
  const failed = await run('delete', 'k');
  expect(failed.code).not.toBe(0);
  expect(printable(failed.stderr)).toBe(failed.stderr);
  expect(failed.stderr).toContain('busy\\x1b]0;owned');
  // A value is the user's own data: `get` writes it as stored.
  const value = await run('get', 'k');
  expect(value.stdout).toBe(ESCAPES);
});
