/**
 * Places keys on nodes for HashClient. Node names are the client's server names:
 * `host:port` (the port always written, 11211 included), `[v6]:port`, or the socket path.
 *
 * A hasher a user writes needs only `getNode`; without `addNode`/`removeNode` its node list
 * is the user's business (HashClient cannot take a dead node out of it, nor add a server).
 */
export interface Hasher {
  /** The node that owns `key`, or `undefined` when there are no nodes. */
  getNode(key: string | Uint8Array): string | undefined;
  /** Adds a node, or changes its weight when it is already there. */
  addNode(name: string, weight?: number): void;
  /** Removes a node; removing one that is not there does nothing. */
  removeNode(name: string): void;
  /** The node names, in the order they were added. */
  nodes(): string[];
}
