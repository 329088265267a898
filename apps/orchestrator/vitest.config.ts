import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Each Temporal test file starts its own dev server; running them one at a time keeps a 2-core machine responsive.
    fileParallelism: false,
    pool: 'forks',
  },
});
