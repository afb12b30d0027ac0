import {
  compressedSerde,
  defaultSerde,
  jsonSerde,
  msgpackSerde,
  pickleSerde,
  structuredSerde,
} from '@mc/client';

/**
 * One value per serde that services on different runtimes would share through one cache. The
 * harness (on Node.js) writes each under `<prefix>:node:<serde>` before the script runs, the
 * script reads them and writes its own under `<prefix>:<runtime>:<serde>`, and the harness
 * reads those back: both directions, byte formats included.
 * @type {Record<string, { serde: import('@mc/client').Serde<unknown>, value: unknown }>}
 */
export const sharedValues = {
  default: { serde: defaultSerde, value: { text: 'naïve ✓', counts: [1, 2, 3], nested: { ok: true } } },
  defaultInteger: { serde: defaultSerde, value: 2n ** 64n + 1n },
  json: { serde: jsonSerde, value: { list: [1, 'two', null], ratio: 0.1 + 0.2 } },
  msgpack: { serde: msgpackSerde, value: { bytes: Uint8Array.of(0, 255), count: 7, when: 'now' } },
  pickle: { serde: pickleSerde, value: { name: 'Ada', big: 2n ** 80n, scores: [1.5, -2] } },
  compressed: { serde: compressedSerde(undefined, { algorithm: 'brotli' }), value: 'shared '.repeat(300) },
  structured: {
    serde: structuredSerde,
    value: { when: new Date('2024-02-29T12:00:00Z'), map: new Map([['a', 1n]]), set: new Set([1, 2]) },
  },
};
