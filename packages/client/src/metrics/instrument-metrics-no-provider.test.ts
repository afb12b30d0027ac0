import { describe, expect, it } from 'vitest';
import { Client, instrumentMetrics } from '../index.js';

// OpenTelemetry's metrics API has no proxy meter: instrumentMetrics called before the SDK
// registered its MeterProvider got a no-op meter and kept it, so nothing was ever recorded,
// silently (client.metrics() showed the traffic, the exporter nothing).
describe('instrumentMetrics before a MeterProvider is registered', () => {
  it('warns that nothing will be recorded', async () => {
    const warnings: Error[] = [];
    const listen = (warning: Error) => warnings.push(warning);
    process.on('warning', listen);
    const client = new Client('127.0.0.1:1');
    try {
      const instrumentation = await instrumentMetrics(client);
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
      instrumentation.stop();
      expect(warnings.map((warning) => (warning as { code?: string }).code)).toContain(
        'MC_NO_METER_PROVIDER',
      );
      expect(warnings.find((warning) => /MeterProvider/.test(warning.message))?.message).toMatch(/meter/);
    } finally {
      process.off('warning', listen);
      await client.close();
    }
  });
});
