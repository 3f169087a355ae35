/**
 * Charts drawn once and reused: with a store, a chart whose option is the same is taken from it (and is the same
 * SVG, ids named after the chart it is used for), one that differs in anything drawn (figures, size, the axis'
 * labels) is drawn; a stored chart that is not self-contained is refused, not printed.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderBarChart, renderLineChart, renderSparkline, useChartStore } from '../../src/report/charts.js';
import { openChartStore } from '../../src/pipeline/chart-store.js';

const dir = mkdtempSync(path.join(tmpdir(), 'bp-chart-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CATS = ['2023/24 Q1', '2023/24 Q2', '2023/24 Q3', '2023/24 Q4', '2024/25 Q1'];
const line = (id: string, values: Array<number | null>, formatAxis?: (n: number) => string) =>
  renderLineChart({ id, ariaLabel: `Chart ${id}`, categories: CATS, values, targets: CATS.map(() => 62), yTitle: 'Per cent', formatAxis });
const bar = (id: string, values: number[], formatAxis?: (n: number) => string) =>
  renderBarChart({ id, ariaLabel: `Chart ${id}`, categories: ['North', 'South'], values, rowLabels: values.map(String), reference: 60, formatAxis });

function withStore<T>(store: ReturnType<typeof openChartStore>, f: () => T): T {
  const previous = useChartStore(store);
  try { return f(); } finally { useChartStore(previous); }
}

describe('chart store', () => {
  it('reuses a chart with the same option, draws one that differs, and gives the same SVG as drawing', async () => {
    const drawn = { a: line('a', [61, 62, 63, 64, 65]), b: line('b', [61, 62, 63, 64, 65]), spark: renderSparkline({ id: 's', ariaLabel: 'S', values: [1, 2, 3] }) };
    const file = path.join(dir, 'charts.json');
    const store = openChartStore(file, 'tool-1');
    const first = withStore(store, () => ({
      a: line('a', [61, 62, 63, 64, 65]),
      b: line('b', [61, 62, 63, 64, 65]), // the same chart under another id: reused, its ids renamed
      c: line('c', [61, 62, 63, 64, 66]), // one figure differs
      d: line('d', [61, 62, 63, 64, 65], (n) => `${n.toFixed(1)}%`), // the axis' labels differ
      spark: renderSparkline({ id: 's', ariaLabel: 'S', values: [1, 2, 3] }),
      bar: bar('bar', [58, 63]),
      bar1: bar('bar1', [58, 63], (n) => `${n} per cent`),
    }));
    expect(store.drawn).toBe(6);
    expect(store.reused).toBe(1);
    expect(first.a).toBe(drawn.a);
    expect(first.b).toBe(drawn.b);
    expect(first.b).toContain('b-');
    expect(first.b).not.toContain('"a-');
    expect(first.spark).toBe(drawn.spark);
    expect(first.d).not.toBe(first.a.replace(/\ba-/g, 'd-').replace('Chart a', 'Chart d'));
    expect(first.d).toContain('62.0%');
    expect(first.bar1).toContain('60 per cent');
    await store.save();

    // The next run: everything from the file; with another build of the tool, or fresh (--force), nothing.
    const next = openChartStore(file, 'tool-1');
    expect(withStore(next, () => line('c', [61, 62, 63, 64, 66]))).toBe(first.c);
    expect([next.reused, next.drawn]).toEqual([1, 0]);
    for (const other of [openChartStore(file, 'tool-2'), openChartStore(file, 'tool-1', true)]) {
      withStore(other, () => line('c', [61, 62, 63, 64, 66]));
      expect([other.reused, other.drawn]).toEqual([0, 1]);
    }
    // The file keeps only the charts the last run used.
    await next.save();
    expect(Object.keys((JSON.parse(readFileSync(file, 'utf8')) as { charts: object }).charts)).toHaveLength(1);
  });

  it('refuses a stored chart that could run code or fetch anything', async () => {
    const file = path.join(dir, 'tampered.json');
    const store = openChartStore(file, 'tool-1');
    withStore(store, () => line('a', [1, 2, 3, 4, 5]));
    await store.save();
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { tool: string; charts: Record<string, string> };
    for (const k of Object.keys(doc.charts)) doc.charts[k] = doc.charts[k].replace('</svg>', '<script>alert(1)</script></svg>');
    writeFileSync(file, JSON.stringify(doc));
    const tampered = openChartStore(file, 'tool-1');
    expect(() => withStore(tampered, () => line('a', [1, 2, 3, 4, 5]))).toThrow(/not self-contained/);
  });
});
