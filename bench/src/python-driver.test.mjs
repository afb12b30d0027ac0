import { startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pymemcacheClient } from './clients/python.mjs';
import { pythonHas, runPythonDriver } from './python-runner.mjs';
import { RawPipelineClient } from './raw-pipeline-client.mjs';

// The driver against a real memcached, with pymemcache (installed by ensure-system-tools).
describe.skipIf(!pythonHas('pymemcache'))('python-driver.py', () => {
  let server;
  beforeAll(async () => {
    server = await startMemcached({ threads: 1 });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('probes the version and binary safety', async () => {
    const probe = await pymemcacheClient.external.probe(server);
    expect(probe.version).toMatch(/^\d+\.\d+/);
    expect(probe.binary).toBe('ok');
  });

  it('runs a sequential workload and reports figures the bench can read', async () => {
    for (const id of ['seq-get', 'seq-multi-get']) {
      const result = await pymemcacheClient.external.run(
        server,
        { id },
        { warmupMs: 20, durationMs: 150, serverPid: server.pid },
      );
      expect(result.problems).toBe(0);
      expect(result.operations).toBeGreaterThan(0);
      expect(result.opsPerSecond).toBeGreaterThan(0);
      expect(result.p99).toBeGreaterThanOrEqual(result.p50);
      expect(result.cpuPerOp).toBeGreaterThan(0);
    }
  });

  it('fails a run whose reads come back wrong', async () => {
    // The keys hold values the driver did not write: a driver that did not check would pass.
    const writer = new RawPipelineClient(server);
    await Promise.all(
      Array.from({ length: 1000 }, (_, index) => writer.set(`bench:wrong:${index}`, 'x'.repeat(100))),
    );
    await writer.close();
    const result = await runPythonDriver(
      [
        ...['--client', 'pymemcache', '--host', server.host, '--port', String(server.port)],
        ...['--prefix', 'bench:wrong', '--skip-preload', '--warmup-ms', '0', '--duration-ms', '50'],
      ],
      30_000,
    );
    expect(result.problems).toBeGreaterThan(0);
    expect(result.problem).toMatch(/returned a different value/);
  });
});
