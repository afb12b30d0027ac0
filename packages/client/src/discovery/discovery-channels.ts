import * as diagnosticsChannel from 'node:diagnostics_channel';

/** What `mc:discovery:change` carries each time a newer cluster config is applied. */
export interface DiscoveryChangeMessage {
  /** The configuration endpoint's name (`host:port`). */
  endpoint: string;
  /** The config version now applied. */
  version: number;
  /** Node names that joined, and that left (their sockets close once their requests settle). */
  added: string[];
  removed: string[];
  /** Every node name now in use, as `hashClient.nodes()` returns them. */
  nodes: string[];
}

/** What `mc:discovery:error` carries when a poll fails and the last good list stays in use. */
export interface DiscoveryErrorMessage {
  endpoint: string;
  error: unknown;
}

/**
 * Auto discovery's tracing, through node:diagnostics_channel like the command channels:
 * `mc:discovery:change` on every applied config (the first one included), and
 * `mc:discovery:error` when the endpoint is down or answers something that is not a config.
 * Nothing is built while nobody subscribes.
 */
export const discoveryChannels = {
  change: diagnosticsChannel.channel('mc:discovery:change'),
  error: diagnosticsChannel.channel('mc:discovery:error'),
} as const;
