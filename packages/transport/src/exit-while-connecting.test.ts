import net from 'node:net';
import { pathToFileURL } from 'node:url';
import { runScript, startMemcached } from '@mc/test-utils';
import { describe, expect, it } from 'vitest';

const transport = pathToFileURL(new URL('../dist/index.js', import.meta.url).pathname).href;
const protocol = import.meta.resolve('@mc/protocol');

describe('process lifetime while a connect hangs', () => {
  // "An idle socket (nothing pending) does not keep the process alive ... and no timer of
  // the connection does ...: a script that never calls close() still exits (5 ms after its
  // last reply). A pending request refs the socket until it settles."
  it('exits once its only request has timed out, though the TCP connect is still unanswered', async () => {
    // A black hole: a frozen listener whose backlog is full, so further SYNs are dropped.
    const dead = await startMemcached({ args: ['-b', '1'] });
    const fillers: net.Socket[] = [];
    try {
      dead.pause();
      for (let index = 0; index < 4; index++) {
        const filler = net.connect({ host: dead.host, port: dead.port });
        filler.on('error', () => {});
        fillers.push(filler);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
      const run = await runScript(
        `
        import { Connection } from '${transport}';
        import { commands } from '${protocol}';
        const connection = new Connection('${dead.address}', { timeout: 100, connectTimeout: 20000 });
        const started = Date.now();
        await connection.send(commands.version.request()).catch((error) => console.log(error.name));
        console.log('settled after', Date.now() - started, 'ms');
      `,
        // Half the connectTimeout the script would otherwise live out.
        10_000,
      );
      expect(run.stdout).toContain('MemcacheTimeoutError');
      // The request settled after about 100 ms; nothing is pending, so the process ends.
      expect(run.code).toBe(0);
    } finally {
      for (const filler of fillers) filler.destroy();
      await dead.stop();
    }
  });
});
