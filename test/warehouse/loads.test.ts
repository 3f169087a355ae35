/**
 * Loads are per source × period, idempotent and recorded: what a reload changes, which loads a figure came
 * from, what `status` says is loaded, due or late, and that personal identifiers stay in the warehouse only.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProject } from '../../src/config/load.js';
import { ingestProject } from '../../src/ingest/index.js';
import { renderValidationCsv, renderValidationHtml, summarize } from '../../src/ingest/report.js';
import { computeMeasures } from '../../src/measures/index.js';
import { openWarehouse } from '../../src/warehouse/db.js';
import { loadsForIndicator } from '../../src/warehouse/lineage.js';
import { ensureMeta } from '../../src/warehouse/meta.js';
import { readStatus, renderStatus } from '../../src/warehouse/status.js';
import { editFile, makeProject } from '../helpers/project.js';
import { ingestFolder } from '../helpers/ingest.js';

const SCHOOLS = 'extracts/schools.csv';

async function tableRows(warehouse: string, sql: string) {
  const wh = await openWarehouse(warehouse);
  try {
    return await wh.all(sql);
  } finally {
    wh.close();
  }
}

describe('loads per source × period', () => {
  it('a file with one period replaces that period only, records what changed, and a reload changes nothing', async () => {
    const root = await makeProject();
    const first = await ingestFolder(root, { sources: ['schools'] });
    const wh0 = first.config.warehousePath;
    const before = await tableRows(wh0, `SELECT period, area, eligible_2yo, taking_place, _load_id FROM schools ORDER BY period, area`);
    expect(before).toHaveLength(12);
    const t1 = before.filter((r) => (r as { period: string }).period === 'AY2023-24-T1') as Array<{ area: string; eligible_2yo: number; taking_place: number }>;
    const west = t1.find((r) => r.area === 'west')!;
    // The partner resends autumn 2023 with East revised, West unchanged.
    writeFileSync(path.join(root, SCHOOLS), `term,locality,eligible_2yo,taking_place\nAutumn 2023/24,East,999,500\nAutumn 2023/24,West,${west.eligible_2yo},${west.taking_place}\n`);
    const second = await ingestFolder(root, { sources: ['schools'] });
    const s = second.report.sources[0];
    expect(s.status).toBe('loaded');
    expect(s.changes).toEqual([{ period: 'AY2023-24-T1', rowsBefore: 2, rowsAfter: 2, added: 0, removed: 0, revised: 1 }]);
    const after = await tableRows(wh0, `SELECT period, area, eligible_2yo, _load_id FROM schools ORDER BY period, area`) as Array<{ period: string; area: string; eligible_2yo: number; _load_id: number }>;
    expect(after).toHaveLength(12);
    expect(after.filter((r) => r.period !== 'AY2023-24-T1')).toEqual((before as typeof after).filter((r) => r.period !== 'AY2023-24-T1').map(({ period, area, eligible_2yo, _load_id }) => ({ period, area, eligible_2yo, _load_id })));
    expect(after.find((r) => r.period === 'AY2023-24-T1' && r.area === 'east')).toMatchObject({ eligible_2yo: 999, _load_id: s.loadId });

    // The same file again: skipped by fingerprint; forced, it rewrites identical rows and changes nothing.
    const third = await ingestFolder(root, { sources: ['schools'] });
    expect(third.report.sources[0].status).toBe('unchanged');
    const res = await loadProject(root);
    const wh = await openWarehouse(res.config!.warehousePath);
    try {
      await ensureMeta(wh);
      const forced = await ingestProject(wh, res.config!, { sources: ['schools'], force: true });
      expect(forced.sources[0].changes).toEqual([{ period: 'AY2023-24-T1', rowsBefore: 2, rowsAfter: 2, added: 0, removed: 0, revised: 0 }]);
      expect(await wh.all(`SELECT period, area, eligible_2yo, taking_place FROM schools ORDER BY period, area`))
        .toEqual(after.map((r) => ({ period: r.period, area: r.area, eligible_2yo: r.eligible_2yo, taking_place: (r.period === 'AY2023-24-T1' && r.area === 'east') ? 500 : (before.find((b) => (b as { period: string; area: string }).period === r.period && (b as { area: string }).area === r.area) as { taking_place: number }).taking_place })));

      // Lineage: each period's figure names the load (file, sha256) its rows came from.
      const def = res.indicators.find((i) => i.id === 'two_year_old_take_up')!;
      const t1Loads = await loadsForIndicator(wh, res.config!, def, 'AY2023-24-T1');
      expect(t1Loads.map((l) => [l.source, l.file, l.rows])).toEqual([['schools', 'extracts/schools.csv', 2]]);
      expect(t1Loads[0].loadId).toBe(forced.sources[0].loadId);
      expect(t1Loads[0].sha256).toMatch(/^[0-9a-f]{64}$/);
      const t2Loads = await loadsForIndicator(wh, res.config!, def, 'AY2023-24-T2');
      expect(t2Loads.map((l) => l.loadId)).toEqual([first.report.sources[0].loadId]);
      const all = await loadsForIndicator(wh, res.config!, def);
      expect(all.map((l) => l.loadId).sort()).toEqual([first.report.sources[0].loadId, forced.sources[0].loadId].sort());
      // Every attempt is in bp_loads with its rows and contract version.
      expect(await wh.all(`SELECT load_id, status, rows_read, rows_loaded, rows_rejected, periods, contract_version FROM bp_loads WHERE source = 'schools' ORDER BY load_id`)).toEqual([
        { load_id: first.report.sources[0].loadId, status: 'loaded', rows_read: 12, rows_loaded: 12, rows_rejected: 0, periods: 'AY2023-24-T1,AY2023-24-T2,AY2023-24-T3,AY2024-25-T1,AY2024-25-T2,AY2024-25-T3', contract_version: '1' },
        { load_id: s.loadId, status: 'loaded', rows_read: 2, rows_loaded: 2, rows_rejected: 0, periods: 'AY2023-24-T1', contract_version: '1' },
        { load_id: forced.sources[0].loadId, status: 'loaded', rows_read: 2, rows_loaded: 2, rows_rejected: 0, periods: 'AY2023-24-T1', contract_version: '1' },
      ]);
    } finally {
      wh.close();
    }
  });

  it('status: loaded, due and late periods against the lateness allowance, a failed attempt, and the last changes', async () => {
    const root = await makeProject();
    const { config } = await ingestFolder(root);
    writeFileSync(path.join(root, SCHOOLS), 'term,locality,eligible_2yo,taking_place\nAutumn 2023/24,East,two,1\n');
    await ingestFolder(root, { sources: ['schools'] });
    const wh = await openWarehouse(config.warehousePath, { readOnly: true });
    try {
      // The last term loaded is summer 2025 (AY2024-25-T3); autumn 2025 ended on 31 December 2025 and is late after 45 days.
      const due = await readStatus(wh, config, '2026-01-10');
      const schools = due.find((s) => s.source === 'schools')!;
      expect(schools.state).toBe('loaded');
      expect(schools.periods.map((p) => [p.period, p.state])).toEqual([
        ['AY2023-24-T1', 'loaded'], ['AY2023-24-T2', 'loaded'], ['AY2023-24-T3', 'loaded'],
        ['AY2024-25-T1', 'loaded'], ['AY2024-25-T2', 'loaded'], ['AY2024-25-T3', 'loaded'], ['AY2025-26-T1', 'due'],
      ]);
      expect(schools.lastFailure?.errors).toBe(1);
      const late = await readStatus(wh, config, '2026-03-01');
      const lateSchools = late.find((s) => s.source === 'schools')!;
      expect(lateSchools.state).toBe('late');
      expect(lateSchools.periods.at(-1)).toMatchObject({ period: 'AY2025-26-T1', state: 'late', daysLate: 15, dueBy: '2026-02-14' });
      // The record-level source (loaded 2025-01-01) is due again one quarter (92 days) + 45 days later.
      const eh = late.find((s) => s.source === 'early_help')!;
      expect(eh.nextDueBy).toBe('2025-05-18');
      expect(eh.state).toBe('late');
      // With a due_rule, the record-level extract is due by that rule from when it is expected (2025-04-03, a
      // Thursday): 10 working days later is Thursday 17 April 2025 (no bank holiday before Good Friday, the 18th).
      const ruled = { ...config, sources: config.sources.map((s) => (s.id === 'early_help' ? { ...s, dueRule: { workingDays: 10 } } : s)) };
      expect((await readStatus(wh, ruled, '2026-03-01')).find((s) => s.source === 'early_help')!.nextDueBy).toBe('2025-04-17');
      const text = renderStatus(late);
      expect(text).toContain('AY2025-26-T1 LATE     by 15 day(s)');
      expect(text).toContain('last attempt failed');
    } finally {
      wh.close();
    }
  });
});

describe('personal identifiers', () => {
  it('stay in the warehouse and never reach a problem, the validation report or status', async () => {
    const root = await makeProject({
      'extracts/early-help-episodes.csv': 'child_id,locality,start_date,end_date\nSECRET-CHILD-1,East,2024-01-03,\nSECRET-CHILD-2,West,2024-02-30,\nSECRET-CHILD-2,West,2024-02-30,\n',
    });
    editFile(root, 'boardpack.yaml', '    frequency: quarterly\n    area_column: locality\n    columns:\n      child_id', '    frequency: quarterly\n    area_column: locality\n    key: [child_id, start_date]\n    columns:\n      child_id');
    const { config, report } = await ingestFolder(root, { sources: ['early_help'] });
    const s = report.sources[0];
    expect(s.problems.map((p) => [p.code, p.row, p.column])).toEqual([['BP_INGEST_BAD_DATE', 3, 'start_date'], ['BP_INGEST_BAD_DATE', 4, 'start_date'], ['BP_INGEST_DUPLICATE_KEY', 4, 'child_id, start_date']]);
    expect(JSON.stringify(report)).not.toMatch(/SECRET-CHILD/);
    // Fix the dates; now the repeated episode is a duplicate key, reported without the identifier.
    writeFileSync(path.join(root, 'extracts/early-help-episodes.csv'), 'child_id,locality,start_date,end_date\nSECRET-CHILD-1,East,2024-01-03,\nSECRET-CHILD-2,West,2024-02-03,\nSECRET-CHILD-2,West,2024-02-03,\nSECRET-CHILD-3,,x,\n');
    const again = await ingestFolder(root, { sources: ['early_help'] });
    const dup = again.report.problems.find((p) => p.code === 'BP_INGEST_DUPLICATE_KEY');
    expect(dup).toMatchObject({ row: 4, column: 'child_id, start_date' });
    const everything = [JSON.stringify(again.report), renderValidationCsv(again.report), renderValidationHtml(again.report, { title: 't', generatedAt: 'now' }), JSON.stringify(summarize(again.report))].join('\n');
    expect(everything).not.toMatch(/SECRET-CHILD/);
    // Once good, the identifiers are loaded (for counting distinct children) but not into status or lineage.
    writeFileSync(path.join(root, 'extracts/early-help-episodes.csv'), 'child_id,locality,start_date,end_date\nSECRET-CHILD-1,East,2024-01-03,\nSECRET-CHILD-2,West,2024-02-03,2024-03-01\n');
    await ingestFolder(root, { sources: ['early_help'] });
    const wh = await openWarehouse(config.warehousePath);
    try {
      expect(await wh.all(`SELECT count(DISTINCT child_id)::INTEGER AS n FROM early_help`)).toEqual([{ n: 2 }]);
      const res = await loadProject(root);
      const status = await readStatus(wh, config, '2026-01-01');
      const lineage = await loadsForIndicator(wh, config, res.indicators.find((i) => i.id === 'open_early_help')!);
      const measures = await computeMeasures(wh, config, res.indicators.filter((i) => i.id === 'open_early_help'));
      expect(JSON.stringify({ status, lineage, measures: measures.values })).not.toMatch(/SECRET-CHILD/);
      // At 31 March 2024 only the first child's episode is open (the second closed on 1 March).
      expect(measures.values.find((v) => v.period === '2023-24-Q4' && v.area === 'all')?.numerator).toBe(1);
    } finally {
      wh.close();
    }
  });
});

describe('record-level extracts in the SSDA903 episodes layout', () => {
  it('load with a contract, and count children looked after at each period end', async () => {
    // A synthetic SSDA903 episodes file (the DfE children-looked-after return): one row per episode of care.
    const episodes = [
      'CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN',
      '900001,01/04/2024,S,C2,N1,U1,PR1,01/07/2024,X1,,AB1,AB2,SC000001',
      '900001,01/07/2024,P,C2,N1,U4,PR1,,,CARPL,AB1,AB3,SC000002',
      '900002,15/05/2024,S,V2,N4,U3,PR2,20/05/2024,E13,,AB4,AB5,XXXXXXX',
      '900003,01/01/2025,S,C2,N2,R1,PR0,,,,AB6,AB6,XXXXXXX',
    ].join('\n');
    const root = await makeProject({ 'extracts/ssda903_episodes.csv': `${episodes}\n`, 'indicators/cla_at_period_end.yaml': `id: cla_at_period_end
title: Children looked after at the end of the quarter
kind: performance_measure
question: how_much
priority: early_help
polarity: none
unit: count
numerator:
  from: ssda903_episodes
  expr: count(DISTINCT CHILD)
  period: { snapshot: [DECOM, DEC] }
` });
    const contract = readFileSync(new URL('../fixtures/contracts/ssda903-episodes.yaml', import.meta.url), 'utf8');
    editFile(root, 'boardpack.yaml', 'sources:\n', `sources:\n${contract.split('\n').filter((l) => !l.startsWith('#')).map((l) => (l ? `  ${l}` : l)).join('\n')}\n`);
    const { config, indicators, report } = await ingestFolder(root, { sources: ['ssda903_episodes'] });
    expect(report.problems).toEqual([]);
    const wh = await openWarehouse(config.warehousePath);
    try {
      const m = await computeMeasures(wh, config, indicators.filter((i) => i.id === 'cla_at_period_end'));
      expect(m.failures).toEqual([]);
      const at = (p: string) => m.values.find((v) => v.period === p && v.area === 'all')?.numerator;
      expect([at('2024-25-Q1'), at('2024-25-Q2'), at('2024-25-Q4')]).toEqual([1, 1, 2]);
    } finally {
      wh.close();
    }
  });
});
