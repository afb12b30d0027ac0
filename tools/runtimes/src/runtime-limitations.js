/**
 * Checks that cannot pass on a runtime because of the runtime itself, with the reason. The
 * conformance script skips them there (saying why), the harness proves each one still fails
 * (so this table cannot outlive the limitation), and the README's runtime table says the same.
 * @type {Record<'node' | 'bun' | 'deno', Record<string, string>>}
 */
export const runtimeLimitations = {
  node: {},
  bun: {
    // Bun implements v8.serialize() with JavaScriptCore's serializer, whose bytes V8 cannot read
    // and which cannot read V8's; reading either way is a MemcacheDeserializeError.
    'structuredSerde shared with Node':
      "Bun's node:v8 writes JavaScriptCore's format, not V8's: structuredSerde values are shared only between Bun processes",
  },
  deno: {},
};
