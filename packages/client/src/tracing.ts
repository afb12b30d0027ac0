import * as diagnosticsChannel from 'node:diagnostics_channel';
import type { EncodedRequest } from '@mc/protocol';

/** What `mc:command:start` carries; `mc:command:end` adds `duration`, `mc:command:error` adds `error`. */
export interface CommandTraceMessage {
  /** The command on the wire: `get`, `set`, `mg`... */
  command: string;
  /** How many keys the request carries (0 for commands without keys). */
  keyCount: number;
  /** The server's name: `host:port`, `[v6]:port` or the socket path. */
  server: string;
  /** Milliseconds from start to end or error. */
  duration?: number;
  error?: unknown;
}

/**
 * Tracing through node:diagnostics_channel, so APM agents (OpenTelemetry, Datadog...) can
 * observe `@mc` without a plugin API of ours: subscribe to these names. Publishing is skipped
 * entirely while nobody subscribes, so tracing costs nothing until it is used.
 */
export const commandChannels = {
  start: diagnosticsChannel.channel('mc:command:start'),
  end: diagnosticsChannel.channel('mc:command:end'),
  error: diagnosticsChannel.channel('mc:command:error'),
} as const;

/** True when anyone listens to a command channel; checked before any message is built. */
export function tracingActive(): boolean {
  return (
    commandChannels.start.hasSubscribers ||
    commandChannels.end.hasSubscribers ||
    commandChannels.error.hasSubscribers
  );
}

/**
 * Publishes a failure that did not reach the caller on `mc:command:error`, e.g. the cache
 * errors getOrSet absorbs (its `command` is then `getOrSet`), so they are still observable.
 */
export function publishAbsorbedError(command: string, server: string, error: unknown): void {
  if (!commandChannels.error.hasSubscribers) return;
  const message: CommandTraceMessage = { command, keyCount: 1, server, duration: 0, error };
  commandChannels.error.publish(message);
}

/** Runs `send`, publishing start, then end or error, around it. */
export function tracedSend<T>(
  server: string,
  request: EncodedRequest<T>,
  keyCount: number,
  send: (request: EncodedRequest<T>) => Promise<T>,
): Promise<T> {
  const message: CommandTraceMessage = { command: request.command ?? 'unknown', keyCount, server };
  const started = performance.now();
  commandChannels.start.publish(message);
  return send(request).then(
    (result) => {
      message.duration = performance.now() - started;
      commandChannels.end.publish(message);
      return result;
    },
    (error: unknown) => {
      message.duration = performance.now() - started;
      message.error = error;
      commandChannels.error.publish(message);
      throw error;
    },
  );
}
