// `memcli top` driven as a person would: in a real terminal (a tmux pane), against real
// servers under load, the screen read back with capture-pane.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@mc/client';
import { type MemcachedServer, requireProgram, startCluster } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cells } from './test-support/top-cells.js';

const here = path.dirname(fileURLToPath(import.meta.url));
// The bin users run (package.json "bin"), which loads the built program.
const bin = path.resolve(here, '../bin/memcli.js');
const built = path.resolve(here, '../dist/bin.js');
const tmux = requireProgram('tmux');
// A tmux server of this test's own (-L), without the user's configuration (-f /dev/null).
const socket = `memcli-top-${process.pid}`;
const exitFile = path.join(os.tmpdir(), `memcli-top-${process.pid}.status`);
const tmuxCommand = (...args: string[]) =>
  execFileSync(tmux, ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });

let servers: MemcachedServer[];

beforeAll(async () => {
  if (!fs.existsSync(built)) throw new Error(`${built} is missing: build @mc/cli first (pnpm run build)`);
  servers = await startCluster(2);
});

afterAll(async () => {
  spawnSync(tmux, ['-L', socket, 'kill-server']);
  fs.rmSync(exitFile, { force: true });
  await Promise.all((servers ?? []).map((server) => server.stop()));
});

/** Reads the pane until `check` accepts what it shows; the last screen is in the error otherwise. */
async function screenUntil(
  check: (screen: string) => boolean,
  what: string,
  timeout = 20_000,
): Promise<string> {
  const deadline = Date.now() + timeout;
  let screen = '';
  while (Date.now() < deadline) {
    screen = tmuxCommand('capture-pane', '-p', '-t', 'top');
    if (check(screen)) return screen;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the screen never showed ${what}:\n${screen}`);
}

describe('memcli top', () => {
  it('shows each server side by side, live, keeps going when one dies, and quits on q', async () => {
    const [busy, idle] = servers as [MemcachedServer, MemcachedServer];
    const load = new Client(busy.address);
    for (let index = 0; index < 40; index++) await load.set(`hit-${index}`, 'x'.repeat(1000));
    // Three hits for every miss, about 2,000 gets a second, while top watches.
    let running = true;
    const traffic = (async () => {
      while (running) {
        await Promise.all(
          Array.from({ length: 40 }, (_, index) =>
            load.get(index % 4 === 3 ? `miss-${index}` : `hit-${index}`),
          ),
        );
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    try {
      tmuxCommand(
        ...['new-session', '-d', '-s', 'top', '-x', '130', '-y', '20'],
        // The shell writes the exit status to a file: neither tmux's #{pane_dead_status} nor a
        // line echoed to the pane after the alternate screen is left is reliably there to read.
        `sh -c '${process.execPath} ${bin} -s ${busy.address} -s ${idle.address} top; echo $? > ${exitFile}'`,
      );
      tmuxCommand('set-option', '-t', 'top', 'remain-on-exit', 'on');

      const live = await screenUntil((screen) => {
        const row = cells(screen, busy.address);
        return row !== undefined && row[1] !== '-' && Number(row[1]) > 100;
      }, 'the busy server at work');
      expect(live).toMatch(/^memcli top: 2 servers, every 1 s, \d\d:\d\d:\d\d \(q quits\)/);
      expect(live).toMatch(
        /SERVER\s+HIT%\s+OPS\/s\s+EVICT\/s\s+EVICTED\s+CONN\s+MEMORY\s+ITEMS\s+READ\/s\s+WRITE\/s/,
      );
      const [hitRate, , evictionRate, evicted, connections, memory, , items] = cells(live, busy.address)!;
      expect(Number.parseFloat(hitRate!)).toBeGreaterThan(65);
      expect(Number.parseFloat(hitRate!)).toBeLessThan(85);
      expect([evictionRate, evicted]).toEqual(['0', '0']);
      expect(Number(connections)).toBeGreaterThanOrEqual(2); // the load's and top's own
      expect(memory).toMatch(/K\/64\.0M$/);
      expect(items).toBe('40');
      const quiet = cells(live, idle.address)!;
      expect(quiet[1]).toBe('0');
      expect(quiet[7]).toBe('0');
      expect(live).toMatch(/^TOTAL /m);

      await idle.kill();
      const degraded = await screenUntil(
        (screen) => screen.includes(`${idle.address}  unreachable`),
        'the dead server as unreachable',
      );
      expect(Number(cells(degraded, busy.address)![1])).toBeGreaterThan(100);

      tmuxCommand('send-keys', '-t', 'top', 'q');
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline && !fs.existsSync(exitFile)) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const screenAfter = tmuxCommand('capture-pane', '-p', '-t', 'top');
      expect(fs.existsSync(exitFile), `memcli had not exited 10 s after q:\n${screenAfter}`).toBe(true);
      // The shell creates the file before it writes the status into it.
      const written = Date.now() + 5000;
      while (Date.now() < written && fs.readFileSync(exitFile, 'utf8') === '') {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(fs.readFileSync(exitFile, 'utf8').trim()).toBe('0');
      // Back from the alternate screen: the frames do not stay behind on the terminal.
      expect(tmuxCommand('capture-pane', '-p', '-t', 'top')).not.toContain('SERVER');
    } finally {
      running = false;
      await traffic.catch(() => {});
      await load.close();
      await idle.restart().catch(() => {});
    }
  });
});
