/** One node as a configuration endpoint lists it (`host|ip|port`). */
export interface DiscoveredNode {
  /** The node's DNS name; may be empty when the endpoint gives only the IP. */
  host: string;
  /** The node's IP address; empty means "connect by host name". */
  ip: string;
  port: number;
}

/** A parsed cluster configuration: its version (which only grows) and its nodes. */
export interface ClusterConfig {
  version: number;
  nodes: DiscoveredNode[];
}
