import { describe, expect, it, vi } from 'vitest';
import { assertSelfContained, disposeCharts, finishSvg, renderBarChart, renderLineChart, renderSparkline, renderXmrChart } from '../../src/report/charts.js';
import { xmlProblems } from './markup.js';

const CATS = ['2023/24 Q1', '2023/24 Q2', '2023/24 Q3', '2023/24 Q4', '2024/25 Q1', '2024/25 Q2', '2024/25 Q3', '2024/25 Q4'];
const VALUES = [61.2, 62.0, null, 63.1, 62.4, 64.0, 65.2, 66.1];
const ALL_NULL = CATS.map(() => null);
const LABEL = 'School readiness, 2024/25 Q4: 66.1%. Green: better than target 60% by 10.2%. "Quoted" & <angled>.';

const charts = {
  sparkline: (values: Array<number | null>) => renderSparkline({ id: 'spark-a', ariaLabel: LABEL, values }),
  line: (values: Array<number | null>) => renderLineChart({
    id: 'line-a', ariaLabel: LABEL, categories: CATS, values,
    targets: CATS.map((_, i) => (i < 4 ? 60 : 62)),
    baselineCategories: CATS.slice(0, 4), baselineValue: { value: 61, label: 'Baseline 61.0%' },
    forecast: CATS.map((_, i) => (i < 4 ? null : { value: 62 + i * 0.1, lower: 60 + i * 0.1, upper: 64 + i * 0.1 })),
    format: (n) => `${n.toFixed(1)}%`,
  }),
  xmr: (values: Array<number | null>) => renderXmrChart({
    id: 'xmr-a', ariaLabel: LABEL, categories: CATS, values, mean: 63, lowerLimit: 59.5, upperLimit: 66.5,
    specialCause: CATS.map((_, i) => i === 7), target: 62,
  }),
  bar: (values: Array<number | null>) => renderBarChart({
    id: 'bar-a', ariaLabel: LABEL, categories: ['North', 'Central', 'South', 'West'], values: values.slice(0, 4),
    missingText: values.slice(0, 4).map((v) => (v === null ? 'c' : null)), reference: { value: 63, label: 'Riverside 63.0%' }, target: 62,
  }),
};

function expectSafeSvg(svg: string): void {
  expect(svg.startsWith('<svg ')).toBe(true);
  expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  expect(xmlProblems(svg)).toEqual([]);
  expect(svg).toMatch(/^<svg role="img" aria-label="[^"]+"/);
  expect(svg).not.toMatch(/<script|<foreignObject|<image|\son[a-z]+=|<style/i);
  // The only URL-like strings allowed are the SVG namespace and same-document references.
  expect(svg.replace(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/, '')).not.toMatch(/https?:|(?:href|src)\s*=\s*"(?!#)|url\((?!#)/i);
}

describe('charts', () => {
  for (const [name, render] of Object.entries(charts)) {
    it(`${name}: valid, self-contained SVG with role=img and the status sentence as aria-label`, () => {
      const svg = render(VALUES);
      expectSafeSvg(svg);
      expect(svg).toContain('aria-label="School readiness, 2024/25 Q4: 66.1%. Green: better than target 60% by 10.2%. &quot;Quoted&quot; &amp; &lt;angled&gt;."');
    });

    it(`${name}: an all-null series gives a labelled empty chart, not an error`, () => {
      const svg = render(ALL_NULL);
      expectSafeSvg(svg);
      expect(svg).toMatch(/No figures to chart|no data/);
    });

    it(`${name}: the same input gives the same bytes, whatever was rendered before`, () => {
      const first = render(VALUES);
      charts.line(VALUES); // advances ECharts' global id counter
      expect(render(VALUES)).toBe(first);
    });
  }

  // Issue #9: one SSR instance per chart size is reused. A reused line view would keep the previous chart's
  // symbols and append the new ones after them: the same picture with its elements in another order.
  it('a chart drawn on a reused instance has the bytes of one drawn on a fresh instance', () => {
    disposeCharts();
    const fresh = renderSparkline({ id: 'reuse', ariaLabel: 'x', values: [1, 2, 3, 4, 5] });
    renderSparkline({ id: 'reuse', ariaLabel: 'x', values: [1, null, 3, null, 5] });
    expect(renderSparkline({ id: 'reuse', ariaLabel: 'x', values: [1, 2, 3, 4, 5] })).toBe(fresh);
  });

  // charts.ts registers only the ECharts parts the pack uses; one left out is silently ignored by ECharts.
  it('every part the pack draws is registered: legend, mark lines and areas, graphics, axis labels inside the frame', () => {
    const line = charts.line(VALUES);
    expect(line).toContain('>Baseline 61.0%</text>'); // markLine label
    expect(line).toMatch(/<polygon[^>]*fill="rgb\(80,90,95\)" fill-opacity="0\.1"/); // markArea (the baseline periods)
    expect(line).toContain('>Target</text>'); // legend
    const bar = charts.bar([60, 61, 65, 70]);
    expect(bar).toContain('>Riverside 63.0%</text>');
    expect(bar).toContain('>Target 62</text>');
    expect(charts.xmr(VALUES)).toContain('>Special cause</text>');
    expect(charts.sparkline(ALL_NULL)).toMatch(/<path[^>]*stroke="#dfe1e3"/); // graphic: the empty frame
    // containLabel: every axis label starts inside the chart.
    for (const svg of [line, bar]) {
      const xs = [...svg.matchAll(/<text[^>]*transform="translate\((-?[\d.]+) /g)].map((m) => Number(m[1]));
      expect(xs.length).toBeGreaterThan(0);
      expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    }
  });

  it('ECharts writes no warning (such as a component used but not registered) while the charts render', () => {
    const warn = vi.spyOn(console, 'warn');
    const error = vi.spyOn(console, 'error');
    try {
      for (const render of Object.values(charts)) { render(VALUES); render(ALL_NULL); }
      expect([...warn.mock.calls, ...error.mock.calls]).toEqual([]);
    } finally {
      warn.mockRestore();
      error.mockRestore();
    }
  });

  it('internal ids are prefixed with the chart id, so several charts can share a document', () => {
    const svg = charts.line(VALUES);
    const ids = [...svg.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) expect(id.startsWith('line-a-')).toBe(true);
    for (const ref of svg.matchAll(/url\(#([^)]+)\)/g)) expect(ids).toContain(ref[1]);
  });

  it('a null breaks the line (a gap) instead of joining its neighbours', () => {
    const svg = renderSparkline({ id: 'gap', ariaLabel: 'gap', values: [1, 2, null, 4, 5] });
    const line = [...svg.matchAll(/<path d="([^"]+)"[^>]*stroke="#1d70b8"/g)].map((m) => m[1]).find((d) => d.includes('L'));
    expect(line).toBeDefined();
    expect(line!.match(/M/g)!.length).toBe(2);
  });

  it('escapes category labels written by partners', () => {
    const svg = renderBarChart({ id: 'esc', ariaLabel: 'x', categories: ['<b>North & "East"</b>', 'South'], values: [3, 4] });
    expectSafeSvg(svg);
    expect(svg).toContain('&lt;b&gt;North &amp; &quot;East&quot;&lt;/b&gt;');
    expect(svg).not.toContain('<b>');
  });

  it('XmR: special-cause points are drawn as highlighted diamonds, and only when there are some', () => {
    const withSignal = charts.xmr(VALUES);
    const without = renderXmrChart({ id: 'xmr-b', ariaLabel: 'x', categories: CATS, values: VALUES, mean: 63, lowerLimit: 59.5, upperLimit: 66.5, specialCause: CATS.map(() => false) });
    const highlighted = (svg: string) => (svg.match(/fill="#d4351c"/g) ?? []).length;
    expect(highlighted(withSignal)).toBeGreaterThanOrEqual(2); // legend icon + the point
    expect(highlighted(withSignal)).toBeGreaterThan(highlighted(without));
  });

  it('bar chart: a suppressed locality is labelled with its marker instead of a bar', () => {
    const svg = charts.bar([60, null, 65, 70]);
    expect(svg).toMatch(/>c<\/text>/);
  });

  it('line chart with a forecast shows the forecast and the baseline in its legend', () => {
    const svg = charts.line(VALUES);
    expect(svg).toContain('Forecast (baseline trend)');
    expect(svg).toContain('95% prediction interval');
    expect(svg).toContain('Baseline');
  });

  it('finishSvg refuses markup that could run code or fetch anything', () => {
    const ok = '<svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0"/></svg>';
    expect(() => finishSvg(ok, { id: 'ok', ariaLabel: 'fine' })).not.toThrow();
    expect(() => assertSelfContained('<svg><script>alert(1)</script></svg>')).toThrow(/script/);
    expect(() => assertSelfContained('<svg><rect onload="x()"/></svg>')).toThrow(/event handler/);
    expect(() => assertSelfContained('<svg><a href="https://example.org">x</a></svg>')).toThrow(/href/);
    expect(() => assertSelfContained('<svg><rect style="fill:url(https://x/y.svg#a)"/></svg>')).toThrow(/url/);
    expect(() => assertSelfContained('<svg><use href="other.svg#a"/></svg>')).toThrow(/<use>/);
    expect(() => finishSvg(ok, { id: 'bad id"', ariaLabel: 'x' })).toThrow(/chart id/);
    // Escaped text and attribute values that merely mention handlers are not markup.
    expect(() => assertSelfContained('<svg aria-label="x onload=y src=z"><text>&lt;img src=x onerror=alert(1)&gt;</text></svg>')).not.toThrow();
  });
});
