import { defineConfig } from 'vitest/config';

/**
 * Files that kill processes at measured moments, hold resources to their limits or measure a process's memory:
 * they run after the rest, one at a time, so other test files' load cannot move what they measure.
 */
const ALONE = [
  'test/security/crash-and-concurrency.test.ts',
  'test/security/resource-limits.test.ts',
  'test/security/fuzz.test.ts',
  'test/ingest/scale.test.ts',
  'test/warehouse/process.test.ts',
  'test/warehouse/memory.test.ts',
  'test/bench/quick.test.ts',
];

export default defineConfig({
  test: {
    // Real DuckDB files, a real browser and whole CLI runs: generous limits, no timing assertions.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    env: { TZ: 'Europe/London' },
    // A folder shared by the run's test files: the sample warehouse is ingested once into it (test/helpers/sample.ts).
    globalSetup: ['test/helpers/global-setup.ts'],
    projects: [
      {
        extends: true,
        // Most of a file's time is spent waiting on child processes (the CLI, Chromium, DuckDB's threads), so three
        // files at once keep two cores busy (vitest's default on two cores is one file at a time).
        test: { name: 'main', include: ['test/**/*.test.ts'], exclude: ALONE, maxWorkers: 3, sequence: { groupOrder: 0 } },
      },
      { extends: true, test: { name: 'alone', include: ALONE, maxWorkers: 1, sequence: { groupOrder: 1 } } },
    ],
  },
});
