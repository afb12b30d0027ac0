import type { ClientMetrics } from './client-metrics.js';

/**
 * How instrumentMetrics reaches a client's live counters: a symbol-named method, so it is no
 * part of the client's visible surface and still passes through RetryingClient's proxy.
 */
export const metricsSource: unique symbol = Symbol.for('@mc/client.metricsSource');

/** A client whose live counters instrumentMetrics can read. */
export interface MetricsSource {
  [metricsSource](): ClientMetrics;
}
