import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Real DuckDB files, a real browser and whole CLI runs: generous limits, no timing assertions.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    env: { TZ: 'Europe/London' },
  },
});
