import { describe, expect, it, vi } from 'vitest';
import { POINT_FILL, SIG_FILL, assertSelfContained, decodeOption, disposeCharts, drawChart, encodeOption, finishSvg, legendSwatch, niceRange, renderBarChart, renderLineChart, renderSparkline, renderXmrChart, useChartDeferral, type ChartJob, type TrustedSvg } from '../../src/report/charts.js';
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
    id: 'xmr-a', ariaLabel: LABEL, categories: CATS, values,
    meaning: values.map((v, i) => (v === null ? null : i === 7 ? 'improvement' : i === 0 ? 'concern' : 'common')),
    segments: [{ from: 0, to: 3, mean: 62, lowerLimit: 59, upperLimit: 65 }, { from: 4, to: 7, mean: 64, lowerLimit: 61, upperLimit: 67 }],
    targets: CATS.map(() => 62), yTitle: 'Per cent',
  }),
  bar: (values: Array<number | null>) => renderBarChart({
    id: 'bar-a', ariaLabel: LABEL, categories: ['North', 'Central', 'South', 'West'], values: values.slice(0, 4),
    intervals: values.slice(0, 4).map((v) => (v === null ? null : { lower: v - 2, upper: v + 2 })),
    significance: ['better', 'similar', 'worse', 'not_compared'],
    rowLabels: values.slice(0, 4).map((v) => (v === null ? 'c' : `${v.toFixed(1)}%`)), reference: 63, target: 62, xTitle: 'Per cent',
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

  // The render thread hands charts to a second thread as data (no functions cross a thread): each function in an
  // option goes as its table of arguments and results. Drawn from that table, every kind of chart is the same.
  it('a chart deferred and drawn from its encoded option is the chart drawn at once', () => {
    for (const [kind, render] of Object.entries(charts)) {
      const direct = render(VALUES);
      const jobs: Array<{ job: ChartJob; finish: (raw: string) => TrustedSvg }> = [];
      const previous = useChartDeferral({ defer: (job, finish) => { jobs.push({ job, finish }); return 'placeholder' as TrustedSvg; } });
      try {
        expect(render(VALUES), kind).toBe('placeholder');
      } finally {
        useChartDeferral(previous);
      }
      expect(jobs, kind).toHaveLength(1);
      const encoded = encodeOption(jobs[0].job.option);
      expect(encoded, kind).toBeDefined();
      // Nothing in the encoded option is a function: it survives a structured clone, as postMessage makes one.
      const { option, missed } = decodeOption(structuredClone(encoded));
      const svg = jobs[0].finish(drawChart({ width: jobs[0].job.width, height: jobs[0].job.height, option }));
      expect(missed(), kind).toBe(false);
      expect(svg, kind).toBe(direct);
    }
    // A function without a table cannot be encoded (the chart is then drawn where the function is).
    expect(encodeOption({ yAxis: { axisLabel: { formatter: (n: number) => String(n) } } })).toBeUndefined();
  });

  // charts.ts registers only the ECharts parts the pack uses; one left out is silently ignored by ECharts.
  it('every part the pack draws is registered: mark lines and areas, graphics, axis titles, axis labels inside the frame', () => {
    const line = charts.line(VALUES);
    expect(line).toMatch(/<path[^>]*stroke="#505a5f"[^>]*stroke-dasharray/); // markLine (the stated baseline)
    expect(line).toMatch(/<polygon[^>]*fill="rgb\(80,90,95\)" fill-opacity="0\.1"/); // markArea (the baseline periods)
    const bar = charts.bar([60, 61, 65, 70]);
    expect(bar).toContain('>Per cent</text>'); // axis title
    expect(bar).toMatch(/<path[^>]*stroke="#b10e1e"/); // markLine (the target)
    expect(charts.xmr(VALUES)).toContain('>Per cent · axis not from zero</text>');
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
      // A flat series (a locality with no events in any period) too: its axis still has a few ticks.
      for (const render of Object.values(charts)) { render(VALUES); render(ALL_NULL); render(VALUES.map((v) => (v === null ? null : 0))); render(VALUES.map((v) => (v === null ? null : 7))); }
      expect([...warn.mock.calls, ...error.mock.calls]).toEqual([]);
    } finally {
      warn.mockRestore();
      error.mockRestore();
    }
  });

  it('a flat series gets a value axis with a span and a handful of ticks', () => {
    for (const v of [0, 7, -3, 0.004]) {
      const r = niceRange([v, v])!;
      expect(r.max).toBeGreaterThan(r.min);
      expect(r.min).toBeLessThanOrEqual(v);
      expect(r.max).toBeGreaterThanOrEqual(v);
      expect((r.max - r.min) / r.interval).toBeLessThanOrEqual(10);
    }
    expect(niceRange([0, 0])!.min).toBe(0);
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
    const svg = renderBarChart({ id: 'esc', ariaLabel: 'x', categories: ['<b>North & "East"</b>', 'South'], values: [3, 4], rowLabels: ['3', '4'] });
    expectSafeSvg(svg);
    expect(svg).toContain('&lt;b&gt;North &amp; &quot;East&quot;&lt;/b&gt;');
    expect(svg).not.toContain('<b>');
  });

  it('XmR: each point is coloured by its meaning (improvement blue, concern orange, common cause grey)', () => {
    const svg = charts.xmr(VALUES);
    const fills = (colour: string) => (svg.match(new RegExp(`<path[^>]*fill="${colour}"`, 'g')) ?? []).length;
    expect(fills(POINT_FILL.improvement)).toBe(1);
    expect(fills(POINT_FILL.concern)).toBe(1);
    expect(fills(POINT_FILL.common)).toBe(VALUES.filter((v) => v !== null).length - 2);
    const plain = renderXmrChart({ id: 'xmr-b', ariaLabel: 'x', categories: CATS, values: VALUES, meaning: VALUES.map((v) => (v === null ? null : 'common')), segments: [{ from: 0, to: 7, mean: 63, lowerLimit: 59.5, upperLimit: 66.5 }] });
    expect(plain).not.toContain(`fill="${POINT_FILL.improvement}"`);
    expect(plain).not.toContain(`fill="${POINT_FILL.concern}"`);
  });

  it('the latest period is always labelled, however many periods there are', () => {
    for (const n of [5, 12, 22, 40, 61]) {
      const cats = Array.from({ length: n }, (_, i) => `${2000 + Math.floor(i / 4)}/${String(1 + ((Math.floor(i / 4) + 1) % 100)).padStart(2, '0')} Q${1 + (i % 4)}`);
      const values = cats.map((_, i) => 50 + Math.sin(i));
      const svg = renderXmrChart({ id: 'n', ariaLabel: 'x', width: 340, categories: cats, values, meaning: values.map(() => 'common'), segments: [{ from: 0, to: n - 1, mean: 50, lowerLimit: 47, upperLimit: 53 }] });
      expect(svg, `${n} periods`).toContain(`>${cats[n - 1]}</text>`);
    }
  });

  it('no chart text is smaller than 12 px, and a chart is never shown narrower than it was drawn', () => {
    for (const [name, render] of Object.entries(charts)) {
      // A sparkline has no text but its "no data" message.
      const svg = render(name === 'sparkline' ? ALL_NULL : VALUES);
      const sizes = [...svg.matchAll(/<text[^>]*(?:font-size:|font: )(\d+(?:\.\d+)?)px/g)].map((m) => Number(m[1]));
      expect(sizes.length, name).toBeGreaterThan(0);
      expect(Math.min(...sizes), name).toBeGreaterThanOrEqual(12);
      if (name !== 'sparkline') expect(svg, name).toMatch(/style="min-width:\d+px/);
    }
  });

  it('bar chart: each row says its value (or why there is none) right of the plot, bars coloured by significance', () => {
    const svg = charts.bar([60, null, 65, 70]);
    expect(svg).toMatch(/>c<\/text>/);
    expect(svg).toMatch(/>60\.0%<\/text>/);
    expect(svg).toContain(`fill="${SIG_FILL.better}"`);
    expect(svg).toContain(`fill="${SIG_FILL.worse}"`);
  });

  it('a y axis that does not start at zero says so; one that does, does not', () => {
    expect(charts.line(VALUES)).toContain('axis not from zero');
    const fromZero = renderLineChart({ id: 'z', ariaLabel: 'x', categories: CATS.slice(0, 4), values: [2, 5, 3, 6], yTitle: 'Number' });
    expect(fromZero).toContain('>Number</text>');
    expect(fromZero).not.toContain('axis not from zero');
  });

  it('legend swatches are decorative SVG, hidden from assistive technology', () => {
    for (const kind of ['line', 'dashed', 'dotted', 'point', 'band', 'bar', 'whisker'] as const) {
      const svg = legendSwatch(kind, '#1d70b8');
      expect(svg).toMatch(/^<svg [^>]*aria-hidden="true"/);
      expect(() => assertSelfContained(svg)).not.toThrow();
    }
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
