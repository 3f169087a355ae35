/**
 * Issue #10, fuzzing (fast-check): the period parsers, number and date parsing in a real ingest, the
 * suppression routine and the YAML loader. Properties: no crash other than a coded BoardpackError, and no
 * silent wrong value (whatever is accepted means exactly what was written).
 */
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { BoardpackError } from '../../src/core/errors.js';
import { makePeriod, parsePeriodId, PERIOD_TYPES, tryParsePeriodId, type PeriodType } from '../../src/core/periods.js';
import { parsePeriodLabel } from '../../src/ingest/period-labels.js';
import { MARKERS } from '../../src/ingest/stage.js';
import { applyDisclosureControl, disclosiveCount } from '../../src/assess/disclosure.js';
import { parseYamlText } from '../../src/config/yaml.js';
import type { IndicatorDef } from '../../src/config/types.js';
import type { MeasureValue } from '../../src/measures/types.js';
import { openWarehouse } from '../../src/warehouse/db.js';
import { makeProject } from '../helpers/project.js';
import { ingestFolder } from '../helpers/ingest.js';

const periodType = fc.constantFrom(...PERIOD_TYPES);
const period = fc.record({ type: periodType, year: fc.integer({ min: 1990, max: 2099 }), index: fc.integer({ min: 1, max: 12 }) })
  .map(({ type, year, index }) => makePeriod(type, year, type === 'fy_quarter' ? ((index - 1) % 4) + 1 : type === 'term' ? ((index - 1) % 3) + 1 : index));
/** Text that looks a bit like periods, mixed with anything at all. */
const periodish = fc.oneof(
  fc.string(),
  fc.stringMatching(/^(AY)?\d{4}[-/ ]?\d{0,4}(-?[QT]\d)?$/),
  fc.stringMatching(/^(Q\d|Autumn|autumn|SPRING|Summer|Jan|Sept?) ?\d{2,4}[/-]?\d{0,4}$/),
  fc.stringMatching(/^\d{1,2}\/\d{1,2}\/\d{2,4}$/),
  fc.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
);

/** `2011-12` is both a financial year and December 2011; ids of that shape are read as years (periods.ts). */
const sameShape = (id: string, type: PeriodType) => tryParsePeriodId(id)?.type === type || (type === 'month' && /^\d{4}-\d{2}$/.test(id));

describe('fuzz: period ids', () => {
  it('tryParsePeriodId never throws, and whatever it accepts round-trips and has start ≤ end', () => {
    fc.assert(fc.property(periodish, (s) => {
      const p = tryParsePeriodId(s);
      if (!p) return;
      expect(tryParsePeriodId(p.id)?.id).toBe(p.id);
      expect(p.start <= p.end).toBe(true);
    }), { numRuns: 3000 });
  });

  it('parsePeriodId throws only a coded BoardpackError', () => {
    fc.assert(fc.property(periodish, (s) => {
      try { parsePeriodId(s); } catch (e) {
        expect(e).toBeInstanceOf(BoardpackError);
        expect((e as BoardpackError).code).toBe('BP_PERIOD_ID');
      }
    }), { numRuns: 2000 });
  });

  it('every period id parses back to the same period (months of the 20xx-(xx+1) shape excepted by design)', () => {
    fc.assert(fc.property(period, (p) => {
      const back = tryParsePeriodId(p.id);
      if (p.type === 'month' && back?.type === 'fy') return;
      expect(back).toEqual(p);
    }), { numRuns: 2000 });
  });
});

describe('fuzz: period labels written by partners', () => {
  it('never throws; anything accepted is a period id of the asked type', () => {
    fc.assert(fc.property(periodish, periodType, (s, type) => {
      const id = parsePeriodLabel(s, type);
      if (id !== undefined) expect(sameShape(id, type), `${JSON.stringify(s)} as ${type} → ${id}`).toBe(true);
    }), { numRuns: 5000 });
  });

  it('a period written the usual ways maps back to that very period', () => {
    fc.assert(fc.property(period, fc.constantFrom('label', 'id', 'start', 'end', 'uk-start'), (p, form) => {
      const [y, m, d] = p.start.split('-');
      const text = form === 'label' ? p.label : form === 'id' ? p.id : form === 'start' ? p.start : form === 'end' ? p.end : `${d}/${m}/${y}`;
      expect(parsePeriodLabel(text, p.type), `${p.type} written as ${JSON.stringify(text)}`).toBe(p.id);
    }), { numRuns: 3000 });
  });
});

describe('fuzz: disclosure control', () => {
  const def = (unit: 'count' | 'percent') => ({ id: 'f', unit, disclosure: true } as unknown as IndicatorDef);
  const cellsArb = fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 1, maxLength: 7 });

  it('no published count is small, no single hidden locality is recoverable, the hidden group is not small', () => {
    fc.assert(fc.property(cellsArb, fc.integer({ min: 2, max: 20 }), fc.constantFrom('count' as const, 'percent' as const), (counts, threshold, unit) => {
      const values: MeasureValue[] = counts.map((n, i) => ({ indicator: 'f', period: '2024-25-Q1', area: `a${i}`, numerator: n, denominator: unit === 'count' ? null : n + 50, value: unit === 'count' ? n : (n / (n + 50)) * 100, marker: null }));
      const total = counts.reduce((s, n) => s + n, 0);
      values.push({ indicator: 'f', period: '2024-25-Q1', area: 'all', numerator: total, denominator: unit === 'count' ? null : total + 50 * counts.length, value: unit === 'count' ? total : 1, marker: null });
      const out = applyDisclosureControl(def(unit), values, threshold, 'c').values;
      for (const v of out) {
        if (v.marker) { expect(v.value).toBeNull(); expect(v.numerator).toBeNull(); continue; }
        const n = disclosiveCount(def(unit), v)!;
        expect(n === 0 || n >= threshold, `${v.area} published ${n} under ${threshold}`).toBe(true);
      }
      const totalOut = out.find((v) => v.area === 'all')!;
      const hidden = out.filter((v) => v.area !== 'all' && v.marker);
      if (!totalOut.marker && hidden.length) {
        expect(hidden.length, 'a single hidden locality is total minus the others').toBeGreaterThan(1);
        const sum = hidden.reduce((s, v) => s + counts[Number(v.area.slice(1))], 0);
        expect(sum === 0 || sum >= threshold, `hidden group sums to ${sum}`).toBe(true);
      }
      // Nothing published was changed.
      for (const [i, v] of out.entries()) if (!v.marker) expect(v).toEqual(values[i]);
    }), { numRuns: 3000 });
  });
});

describe('fuzz: YAML loader', () => {
  it('any text either loads or fails with coded problems carrying the file', () => {
    const yamlish = fc.oneof(fc.string(), fc.stringMatching(/^([ \t]*[-?:&*!|>{}[\],#'"%@`a-z0-9]+[ \t]*\n?){0,12}$/));
    fc.assert(fc.property(yamlish, (text) => {
      try { parseYamlText(text, 'fuzz.yaml'); } catch (e) {
        expect(e, String(e)).toBeInstanceOf(BoardpackError);
        for (const p of (e as BoardpackError).problems) { expect(p.code).toMatch(/^BP_YAML_/); expect(p.file).toBe('fuzz.yaml'); }
      }
    }), { numRuns: 3000 });
  });

  it('what is written as YAML is read back exactly (no silent change of value)', () => {
    const value = fc.dictionary(fc.string({ minLength: 1 }), fc.jsonValue(), { maxKeys: 6 });
    fc.assert(fc.property(value, (v) => {
      const text = stringify(v);
      // Compared as JSON values: YAML keeps -0 as -0 where JSON writes 0; the two are the same number.
      expect(JSON.parse(JSON.stringify(parseYamlText(text, 'fuzz.yaml').data))).toEqual(JSON.parse(JSON.stringify(v)));
    }), { numRuns: 1000 });
  });
});

describe('fuzz: numbers and dates through a real ingest', () => {
  /** How partners write whole numbers: plain, thousands separators, padded, quoted. */
  const written = fc.integer({ min: 0, max: 9_999_999 }).chain((n) => fc.constantFrom(
    String(n), ` ${n} `, `"${n.toLocaleString('en-GB')}"`, `"${n}"`,
  ).map((text) => ({ n, text })));
  const date = fc.date({ min: new Date('2023-04-01T00:00:00Z'), max: new Date('2025-03-31T00:00:00Z'), noInvalidDate: true })
    .chain((d) => { const iso = d.toISOString().slice(0, 10); const [y, m, dd] = iso.split('-'); return fc.constantFrom(iso, `${dd}/${m}/${y}`, `${Number(dd)}/${Number(m)}/${y}`).map((text) => ({ iso, text })); });
  const junk = fc.oneof(fc.constantFrom('1.2.3', '12,34,5', '1e3', '0x10', '--5', '5-', '٣', '12 000', '£12'), fc.stringMatching(/^[0-9,. ]{1,6}[a-z%]$/))
    // " z" or "c" alone is an official marker (a missing figure), which a count column accepts: not junk.
    .filter((s) => !MARKERS.includes(s.trim().toLowerCase()));

  it('integers written any usual way load as exactly that number; junk is a coded error and loads nothing', async () => {
    const root = await makeProject();
    const first = await ingestFolder(root);
    const before = first.report.sources.find((s) => s.source === 'schools')!.rowsLoaded;
    await fc.assert(fc.asyncProperty(fc.array(written, { minLength: 1, maxLength: 30 }), fc.option(junk, { nil: undefined }), async (cells, bad) => {
      const rows = cells.map((c, i) => `Autumn 2023/24,${i % 2 ? 'East' : 'West'},${c.text},0`);
      if (bad !== undefined) rows.push(`Autumn 2023/24,East,${JSON.stringify(bad)},0`);
      writeFileSync(path.join(root, 'extracts/schools.csv'), `term,locality,eligible_2yo,taking_place\n${rows.join('\n')}\n`);
      const r = await ingestFolder(root, { sources: ['schools'] });
      const s = r.report.sources[0];
      const wh = await openWarehouse(first.config.warehousePath);
      try {
        // A load replaces the periods its file holds; other terms from the first load stay.
        const loaded = (await wh.all<{ v: number }>(`SELECT eligible_2yo AS v FROM schools WHERE period = 'AY2023-24-T1'`)).map((x) => x.v);
        if (bad === undefined) {
          expect(s.status, JSON.stringify(s.problems)).not.toBe('failed');
          expect(loaded.sort((a, b) => a - b)).toEqual(cells.map((c) => c.n).sort((a, b) => a - b));
        } else {
          expect(s.status, `junk ${JSON.stringify(bad)} was accepted`).toBe('failed');
          expect(s.problems.some((p) => p.code.startsWith('BP_INGEST_') && p.row === rows.length + 1), JSON.stringify(s.problems)).toBe(true);
          // The previous good load is intact (whatever that was).
          expect(loaded.length).toBeGreaterThan(0);
        }
      } finally {
        wh.close();
      }
    }), { numRuns: 8 });
    expect(before).toBeGreaterThan(0);
  }, 600_000);

  // Found by this fuzzing: DuckDB's DOUBLE cast accepts "NaN" and "Infinity"; stage.ts now
  // refuses non-finite values as BP_INGEST_BAD_NUMBER.
  it('"NaN" and "Infinity" in a count are refused with a coded error', async () => {
    const root = await makeProject();
    await ingestFolder(root);
    for (const bad of ['NaN', 'Infinity']) {
      writeFileSync(path.join(root, 'extracts/schools.csv'), `term,locality,eligible_2yo,taking_place\nAutumn 2023/24,East,${bad},0\n`);
      const r = await ingestFolder(root, { sources: ['schools'] });
      expect(r.report.sources[0].status, bad).toBe('failed');
      expect(r.report.sources[0].problems.find((p) => p.code === 'BP_INGEST_BAD_NUMBER')).toMatchObject({ row: 2, column: 'eligible_2yo', value: bad });
    }
  }, 300_000);

  it('dates written ISO or UK style load as exactly that day', async () => {
    const root = await makeProject();
    await ingestFolder(root);
    await fc.assert(fc.asyncProperty(fc.array(date, { minLength: 1, maxLength: 40 }), async (dates) => {
      const rows = dates.map((d, i) => `C${i},${i % 2 ? 'East' : 'West'},${d.text},`);
      writeFileSync(path.join(root, 'extracts/early-help-episodes.csv'), `child_id,locality,start_date,end_date\n${rows.join('\n')}\n`);
      const r = await ingestFolder(root, { sources: ['early_help'] });
      expect(r.report.sources[0].status, JSON.stringify(r.report.sources[0].problems)).not.toBe('failed');
      const wh = await openWarehouse(r.config.warehousePath);
      try {
        const loaded = await wh.all<{ id: string; d: string }>(`SELECT child_id AS id, strftime(start_date, '%Y-%m-%d') AS d FROM early_help`);
        const got = Object.fromEntries(loaded.map((x) => [x.id, x.d]));
        expect(got).toEqual(Object.fromEntries(dates.map((d, i) => [`C${i}`, d.iso])));
      } finally {
        wh.close();
      }
    }), { numRuns: 8 });
  }, 600_000);
});
