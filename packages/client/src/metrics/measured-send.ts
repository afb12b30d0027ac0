import type { EncodedRequest } from '@mc/protocol';
import type { Connection } from '@mc/transport';
import { tracedSend, tracingActive } from '../tracing.js';
import type { NodeMetrics } from './node-metrics.js';

/**
 * Sends `request` on `connection` (traced as usual) and records it in `metrics`: the timing,
 * the keys asked and found, the bytes sent and the error class. Only reached once collection
 * is on; a client without metrics sends directly.
 */
export function measuredSend<T>(
  metrics: NodeMetrics,
  connection: Connection,
  request: EncodedRequest<T>,
  keyCount: number,
): Promise<T> {
  const command = request.command ?? 'unknown';
  let bytesOut = 0;
  for (const chunk of request.chunks) bytesOut += typeof chunk === 'string' ? chunk.length : chunk.byteLength;
  const started = performance.now();
  const answer = tracingActive()
    ? tracedSend(metrics.name, request, keyCount, (traced) => connection.send(traced))
    : connection.send(request);
  return answer.then(
    (result) => {
      metrics.record(command, keyCount, bytesOut, performance.now() - started, result, undefined);
      return result;
    },
    (error: unknown) => {
      metrics.record(command, keyCount, bytesOut, performance.now() - started, undefined, error ?? 'Error');
      throw error;
    },
  );
}
