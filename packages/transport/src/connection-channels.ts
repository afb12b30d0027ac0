import * as diagnosticsChannel from 'node:diagnostics_channel';

/** What the `mc:connection:*` channels carry. */
export interface ConnectionTraceMessage {
  /** The server's name: `host:port`, `[v6]:port` or the socket path. */
  server: string;
  /** Why the connection closed or failed; absent on a clean close. */
  error?: Error;
}

/**
 * Connection events on node:diagnostics_channel, for APM agents and dashboards: a socket
 * opened (`mc:connection:connect`), closed (`mc:connection:close`, with the error when it was
 * not clean) or failed to open (`mc:connection:error`). Nothing is built while nobody listens.
 */
export const connectionChannels = {
  connect: diagnosticsChannel.channel('mc:connection:connect'),
  close: diagnosticsChannel.channel('mc:connection:close'),
  error: diagnosticsChannel.channel('mc:connection:error'),
} as const;
