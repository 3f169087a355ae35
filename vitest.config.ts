import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Files that kill processes at moments measured from the machine's own speed (process.test spreads SIGKILLs over
 * the time one ingest took a moment before): they run after the rest, one at a time, so other test files' load
 * cannot move what they measure.
 *
 * Files that only measure a process's own peak memory (resource-limits, scale, memory, the quick bench) or kill at
 * a line of output (crash-and-concurrency) run with the rest: another process's load moves neither.
 */
const ALONE = ['test/warehouse/process.test.ts'];

/**
 * The longest files, about longest first (measured here, December 2026): started first, they do not leave one
 * core working through a long file alone at the end while the other has nothing left to run.
 */
const LONGEST = [
  'test/e2e/reproducible.test.ts',
  'test/security/resource-limits.test.ts',
  'test/security/bad-inputs.test.ts',
  'test/report/pack.test.ts',
  'test/security/crash-and-concurrency.test.ts',
  'test/pipeline/reuse.test.ts',
  'test/ingest/xlsx-reader.test.ts',
  'test/security/paths-and-hangs.test.ts',
  'test/security/browser-confinement.test.ts',
  'test/security/misleading-errors.test.ts',
  'test/ingest/scale.test.ts',
  'test/report/commentary-area-cli.test.ts',
  'test/config/broken-configs.test.ts',
  'test/e2e/demo.test.ts',
  'test/ingest/bad-inputs.test.ts',
  'test/security/fuzz.test.ts',
  'test/security/identifiers.test.ts',
  'test/e2e/workflow.test.ts',
  'test/security/commentary-never-lost.test.ts',
  'test/e2e/monthly.test.ts',
  'test/report/board-size.test.ts',
];

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification) => {
      const i = LONGEST.findIndex((p) => f.moduleId.endsWith(p));
      return i < 0 ? LONGEST.length : i;
    };
    // Groups stay in their order; within one, the known long files first, the rest in vitest's own order.
    const order = new Map(sorted.map((f, i) => [f, i]));
    return [...sorted].sort((a, b) => a.project.config.sequence.groupOrder - b.project.config.sequence.groupOrder
      || rank(a) - rank(b) || order.get(a)! - order.get(b)!);
  }
}

export default defineConfig({
  test: {
    // Real DuckDB files, a real browser and whole CLI runs: generous limits, no timing assertions.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    env: { TZ: 'Europe/London' },
    // One temporary folder per run, removed when the run ends: the test processes' TMPDIR (set before each file),
    // holding every folder the tests make and the folder the run's files share (the sample warehouse, ingested
    // once: test/helpers/sample.ts).
    globalSetup: ['test/helpers/global-setup.ts'],
    setupFiles: ['test/helpers/run-tmpdir.ts'],
    sequence: { sequencer: LongestFirst },
    projects: [
      {
        extends: true,
        // Most of a file's time is spent waiting on child processes (the CLI, Chromium, DuckDB's threads), so three
        // files at once keep two cores busy (vitest's default on two cores is one file at a time).
        // One process per worker for all its files (isolate: false): a fresh process per file loaded DuckDB, ECharts,
        // ExcelJS and the source again for each of ninety files, about a second of CPU each. Test files leave no
        // state behind them (an environment variable they set is restored, a browser they start is closed).
        test: { name: 'main', include: ['test/**/*.test.ts'], exclude: ALONE, maxWorkers: 3, isolate: false, sequence: { groupOrder: 0 } },
      },
      { extends: true, test: { name: 'alone', include: ALONE, maxWorkers: 1, sequence: { groupOrder: 1 } } },
    ],
  },
});
