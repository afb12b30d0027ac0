import { commands } from '@mc/protocol';
import { RELATIVE_EXPTIME_LIMIT, toExptime } from './expiration.js';
import type { ServerNode } from './server-node.js';

/**
 * The `flushAll` delay as memcached should read it. memcached takes any number above 30 days
 * for a Unix time, so a delay of 40 days would name a moment in 1970 and the flush would never
 * happen; as with TTLs, the client sends now + delay instead. Up to 30 days the delay goes as
 * it is, and the encoder checks it (a negative or fractional delay is illegal input).
 */
export function flushDelay(delay: number | undefined, now: () => number = Date.now): number | undefined {
  if (typeof delay !== 'number' || !(delay > RELATIVE_EXPTIME_LIMIT)) return delay;
  return toExptime(delay, now);
}

/**
 * Sends `flush_all` to one server on every socket the node has (`connections`): on socket 0
 * alone it would overtake writes still queued on the others, and they would survive the flush.
 * memcached flushes by time and cas, so a second flush changes nothing.
 */
export function flushEverySocket(node: ServerNode, delay: number | undefined): Promise<void> {
  const build = () => commands.flushAll.request(delay, false);
  return node.everySocket ? node.everySocket(build) : node.send(build());
}
