import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'web/src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration tests spawn servers and DuckDB files; two cores cannot run many at once.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
