import { Client } from '../client.js';
import { MemoryClient } from '../testing/memory-client.js';

/** What the same calls answered on a real memcached and on a MemoryClient. */
export interface SideBySide<T> {
  real: T;
  memory: T;
}

let counter = 0;

/**
 * Runs the same calls at once on a real server (at `address`) and on a fresh MemoryClient, with
 * one fresh key for both, so a fidelity test compares what each answered and nothing else.
 */
export async function sideBySide<T>(
  address: string,
  run: (client: Client, key: string) => Promise<T>,
): Promise<SideBySide<T>> {
  const key = `side-by-side:${process.pid}:${counter++}`;
  const real = new Client(address);
  const memory = new MemoryClient() as unknown as Client;
  try {
    const [a, b] = await Promise.all([run(real, key), run(memory, key)]);
    return { real: a, memory: b };
  } finally {
    await real.close();
    await memory.close();
  }
}
