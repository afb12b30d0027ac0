import type { CliClient } from './open-client.js';

/** What one bench phase measured. */
export interface BenchPhase {
  name: 'set' | 'get';
  operations: number;
  milliseconds: number;
  perSecond: number;
}

const CONCURRENCY = 50;

/**
 * A quick throughput check, not a benchmark suite: `count` sets, then `count` gets of the same
 * keys, 50 in flight at a time (the client pipelines them), under a prefix of their own that
 * is deleted afterwards.
 */
export async function bench(client: CliClient, count: number, size: number): Promise<BenchPhase[]> {
  const run = `memcli-bench:${process.pid}:${Date.now()}:`;
  const keys = Array.from({ length: count }, (_, index) => run + index);
  const value = 'x'.repeat(size);
  const phases: BenchPhase[] = [];
  // Keys a set was sent for, so the clean-up deletes those alone.
  let written = 0;
  const measure = async (name: BenchPhase['name'], work: (key: string) => Promise<unknown>) => {
    let next = 0;
    let failed = false;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: Math.min(CONCURRENCY, count) }, async () => {
        // The first failure stops every worker: a server that is gone fails the rest the same way.
        while (next < keys.length && !failed) {
          const key = keys[next++]!;
          if (name === 'set') written = Math.max(written, next);
          try {
            await work(key);
          } catch (error) {
            failed = true;
            throw error;
          }
        }
      }),
    );
    const milliseconds = performance.now() - started;
    phases.push({
      name,
      operations: count,
      milliseconds,
      perSecond: Math.round((count / milliseconds) * 1000),
    });
  };
  try {
    await measure('set', (key) => client.set(key, value, { ttl: 300 }));
    await measure('get', (key) => client.get(key));
  } finally {
    await client.deleteMany(keys.slice(0, written)).catch(() => {});
  }
  return phases;
}
