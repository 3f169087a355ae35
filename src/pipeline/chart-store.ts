/**
 * The charts of the last run, kept beside the warehouse (`charts.json`) so the next run draws only the charts
 * whose figures, labels or size changed: drawing is most of the time a pack takes per indicator. A chart is
 * found by a hash of its whole option (`report/charts.ts`), and the file is only trusted when it was written by
 * this very build of the tool (`toolFingerprint`): a changed chart module or ECharts version draws everything
 * again. Whatever is read from it still passes `finishSvg`'s check before it is printed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../core/atomic-write.js';
import type { ChartStore } from '../report/charts.js';

export const CHART_STORE_FILE = 'charts.json';

export interface RunChartStore extends ChartStore {
  /** Charts taken from the store this run, and charts drawn. */
  readonly reused: number;
  readonly drawn: number;
  /** The charts the last run kept, for a store in the render thread (`chartMemory`). */
  readonly kept: ReadonlyMap<string, string>;
  /** Count in what a store in the render thread did with them. */
  absorb(use: ChartUse): void;
  /** Write the charts this run used (only those: the file never grows past one run's charts). */
  save(): Promise<void>;
}

/** What a store did in one render: the charts it used (taken or drawn), and how many of each. */
export interface ChartUse { used: Map<string, string>; reused: number; drawn: number }

/** A store over charts kept by an earlier run, counting what this run takes from it and draws. */
export function chartMemory(kept: ReadonlyMap<string, string>): ChartStore & { use(): ChartUse } {
  const used = new Map<string, string>();
  let reused = 0;
  let drawn = 0;
  return {
    get(key) {
      const svg = used.get(key) ?? kept.get(key);
      if (svg !== undefined) {
        reused++;
        used.set(key, svg);
      }
      return svg;
    },
    set(key, svg) {
      drawn++;
      used.set(key, svg);
    },
    use: () => ({ used, reused, drawn }),
  };
}

/** Open the store at `file` (undefined: keep charts for this run only). `fresh` ignores what the file holds (`--force`). */
export function openChartStore(file: string | undefined, tool: string, fresh = false): RunChartStore {
  let kept = new Map<string, string>();
  if (file && !fresh && existsSync(file)) {
    try {
      const doc = JSON.parse(readFileSync(file, 'utf8')) as { tool?: unknown; charts?: Record<string, unknown> };
      if (doc.tool === tool && doc.charts && typeof doc.charts === 'object') {
        kept = new Map(Object.entries(doc.charts).filter((e): e is [string, string] => typeof e[1] === 'string'));
      }
    } catch {
      // An unreadable store is an empty one: every chart is drawn.
    }
  }
  const memory = chartMemory(kept);
  const elsewhere = { reused: 0, drawn: 0 };
  return {
    get: memory.get,
    set: memory.set,
    kept,
    absorb(use) {
      for (const [key, svg] of use.used) memory.use().used.set(key, svg);
      elsewhere.reused += use.reused;
      elsewhere.drawn += use.drawn;
    },
    get reused() { return memory.use().reused + elsewhere.reused; },
    get drawn() { return memory.use().drawn + elsewhere.drawn; },
    async save() {
      if (!file) return;
      await writeFileAtomic(file, JSON.stringify({ tool, charts: Object.fromEntries(memory.use().used) }));
    },
  };
}
