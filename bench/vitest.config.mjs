import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.mjs'],
    globalSetup: ['./vitest.setup.mjs'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
