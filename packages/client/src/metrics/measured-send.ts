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
  // Text goes out as UTF-8 (a value sent as a string too): counted in bytes, as bytes are.
  for (const chunk of request.chunks)
    bytesOut += typeof chunk === 'string' ? Buffer.byteLength(chunk, 'utf8') : chunk.byteLength;
  // A one-key get has no chunks: the transport writes its line, or merges it with others into
  // one line. It counts as its own line, `<command> <key>\r\n`, whichever happens.
  const lone = request.mergeableGet;
  if (lone !== undefined) {
    const key = lone.key;
    bytesOut +=
      lone.command.length +
      1 +
      (typeof key === 'string' ? Buffer.byteLength(key, 'utf8') : key.byteLength) +
      2;
  }
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
