import { MemcacheConnectionError } from '@mc/protocol';

const refusals = new WeakSet<object>();

/**
 * What a node HashClient holds dead answers at once, without touching the network. Reads take
 * it as a miss (a dead node's keys are misses, not moved), writes reject with it: nothing was
 * stored, and the caller may want to know.
 */
export function deadNodeRefusal(name: string, until: number): MemcacheConnectionError {
  const error = new MemcacheConnectionError(
    `${name} is marked dead; retrying after ${new Date(until).toISOString()}`,
  );
  refusals.add(error);
  return error;
}

/** True for a dead node's refusal (see deadNodeRefusal), which reads answer as a miss. */
export function isDeadNodeRefusal(error: unknown): boolean {
  return typeof error === 'object' && error !== null && refusals.has(error);
}
