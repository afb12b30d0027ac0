import type { ServerNode } from '../server-node.js';

/**
 * Stands in for the node of one key while no node list is known yet: each request waits for
 * the first discovery, then goes to the node the key maps to by then. One is made per key, so
 * a multi-key call is never sent as one batch to a node that owns only some of its keys.
 */
export function waitingNode(whenKnown: () => Promise<void>, route: () => ServerNode): ServerNode {
  return {
    name: '(discovering)',
    send: (request, keyCount) => whenKnown().then(() => route().send(request, keyCount)),
    quit: async () => {},
    close: async () => {},
  };
}
