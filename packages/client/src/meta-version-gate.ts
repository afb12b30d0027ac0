import { commands } from '@mc/protocol';
import { MemcacheUnsupportedError } from './meta-unsupported-error.js';
import type { ServerNode } from './server-node.js';

/** The first memcached release with the meta `E` flag and `md x` (both in 1.6.27). */
export const EXPLICIT_CAS_VERSION = '1.6.27';

/**
 * Checks, before sending, that a node's memcached knows a meta flag that older servers answer
 * with `CLIENT_ERROR invalid flag` (which also costs a reconnect). Each node's version is
 * asked once and remembered; a failed lookup is forgotten so the next call asks again.
 */
export class MetaVersionGate {
  readonly #versions = new WeakMap<ServerNode, Promise<string>>();

  async require(node: ServerNode, minimum: string, feature: string): Promise<void> {
    let version = this.#versions.get(node);
    if (version === undefined) {
      version = node.send(commands.version.request());
      this.#versions.set(node, version);
      version.catch(() => this.#versions.delete(node));
    }
    const actual = await version;
    if (compareVersions(actual, minimum) < 0) {
      throw new MemcacheUnsupportedError(
        `${feature} needs memcached >= ${minimum}; ${node.name} runs ${actual}`,
      );
    }
  }
}

/** Orders dotted versions numerically (`1.6.9` < `1.6.18`); suffixes such as `-rc1` are ignored. */
export function compareVersions(left: string, right: string): number {
  const parse = (version: string) =>
    version
      .split(/[^0-9.]/, 1)[0]!
      .split('.')
      .map(Number);
  const a = parse(left);
  const b = parse(right);
  for (let index = 0; index < Math.max(a.length, b.length); index++) {
    const difference = (a[index] || 0) - (b[index] || 0);
    if (difference !== 0) return difference;
  }
  return 0;
}
