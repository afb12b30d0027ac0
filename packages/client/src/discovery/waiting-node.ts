import type { ServerNode } from '../server-node.js';

/**
 * Stands in for the node of one key while no node list is known yet: each request waits for
 * the first discovery, then goes to the node the key maps to by then. One is made per key, so
 * a multi-key call is never sent as one batch to a node that owns only some of its keys.
 */
export function waitingNode(whenKnown: () => Promise<void>, route: () => ServerNode): ServerNode {
  return {
    name: '(discovering)',
    // routeKey picks the key's socket (`connections`), so a key's first commands, made before
    // the list came, travel where its later ones will and keep their order.
    send: (request, keyCount, routeKey) => whenKnown().then(() => route().send(request, keyCount, routeKey)),
    quit: async () => {},
    close: async () => {},
  };
}
