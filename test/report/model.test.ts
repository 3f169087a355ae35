import { describe, expect, it } from 'vitest';
import { buildReportModel, type ReportModel } from '../../src/report/index.js';
import { directionView, figureView, formatDate, formatDateTime, ragView } from '../../src/report/format.js';
import { fixtureAssessment, fixtureConfig, fixtureMeta } from './fixture.js';

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const model: ReportModel = buildReportModel(deepFreeze(fixtureConfig()), deepFreeze(fixtureAssessment()), fixtureMeta());
const row = (id: string) => model.scorecard.priorities.flatMap((p) => p.groups.flatMap((g) => g.rows)).find((r) => r.id === id)!;

describe('buildReportModel', () => {
  it('is plain data: survives a JSON round trip unchanged (no functions, no undefined)', () => {
    expect(JSON.parse(JSON.stringify(model))).toEqual(model);
  });

  it('does not mutate its inputs (they are frozen above) and gives the same model twice', () => {
    const again = buildReportModel(fixtureConfig(), fixtureAssessment(), fixtureMeta());
    expect(again).toEqual(model);
  });

  it('formats values by unit and says why a figure is missing', () => {
    expect(row('low_birth_weight').value.text).toBe('7.3%');
    expect(row('cin_rate').value.text).toBe('374.6 per 10,000');
    expect(row('health_visits').value.text).toBe('1,274');
    expect(row('parenting_completions').value).toMatchObject({ text: 'awaiting data', isValue: false, status: 'awaiting_data' });
    expect(row('attendance').value).toMatchObject({ text: 'not computed', status: 'failed' });
    expect(row('attendance').failure).toMatch(/sessions_possible/);
  });

  it('words RAG with word, shape and class, and direction with arrow and word', () => {
    expect(row('re_referrals').rag).toMatchObject({ word: 'Red', glyph: '■', shape: 'square', className: 'rag rag-red' });
    expect(row('two_year_take_up').rag.word).toBe('Amber');
    expect(row('eh_improved').rag.word).toBe('Blue');
    expect(row('low_birth_weight').rag.word).toBe('Not rated');
    // Lower is better and the figure fell: the arrow follows the value, the word the judgement.
    // The fixture's figures carry no change test, so the words say the change was judged by the band alone.
    expect(row('low_birth_weight').direction.text).toBe('↓ improving (not tested)');
    expect(row('re_referrals').direction.text).toBe('↑ deteriorating (not tested)');
    expect(row('two_year_take_up').direction.text).toBe('↓ deteriorating (not tested)');
    expect(row('health_visits').direction.text).toBe('↑ higher (not tested)');
    expect(row('parenting_completions').direction.text).toBe('– not available');
  });

  it('cover: the board-paper form, in order, with only the fields that have a value', () => {
    const labels = model.cover.fields.map((f) => f.label);
    expect(labels).toEqual(['Partnership', 'Board', 'Meeting', 'Date of meeting', 'Agenda item', 'Report author', 'Report for', 'Reporting period', 'Data as at', 'Protective marking']);
    expect(model.cover.fields.find((f) => f.label === 'Date of meeting')!.value).toBe('12 June 2025');
    expect(model.cover.fields.find((f) => f.label === 'Data as at')!.value).toBe('31 March 2025');
    expect(model.cover.decision).toBe('For assurance');
    expect(model.meta.generatedAt).toBe('2 June 2025, 10:30'); // 09:30 UTC is 10:30 BST
  });

  it('summary: headline over rated indicators, why the rest are not rated, exceptions strongest first', () => {
    expect(model.summary.headline).toBe('1 of 3 rated indicators on or better than target');
    expect(model.summary.detail).toBe('8 indicators in the framework; 5 not rated: 2 population indicators, 1 no polarity, 1 awaiting data, 1 not computed.');
    expect(model.summary.counts.map((c) => [c.rag.rag, c.count])).toEqual([['red', 1], ['amber', 1], ['green', 0], ['blue', 1], ['grey', 5]]);
    expect(model.summary.exceptions.map((e) => e.indicator.id)).toEqual(['re_referrals', 'two_year_take_up', 'cin_rate']);
    const [red, amber, cin] = model.summary.exceptions;
    expect(red.reasons[0]).toMatch(/^Red: /);
    expect(amber.reasons[0]).toBe('Special cause of concern (SPC): figures unusually low for this process');
    expect(amber.reasons.some((r) => r.startsWith('Deteriorating against 2024/25 Q3 (74.0%)'))).toBe(true);
    expect(cin.reasons).toContain('Significantly worse than England (332.9 per 10,000)');
    expect(model.summary.dataIssues.map((d) => d.indicator.id)).toEqual(['parenting_completions', 'attendance']);
  });

  it('key messages: going well, not going well, what changed, what the board is asked to do (naming owners of exceptions with no action)', () => {
    expect(model.summary.keyMessages.map((k) => k.heading)).toEqual(['What is going well', 'What is not going well', 'What the board is asked to do', 'What has changed']);
    const [well, notWell, asked, changed] = model.summary.keyMessages;
    expect(well.items.map((i) => i.title)).toEqual(['Families whose early help plan closed with needs met', 'Low birth weight babies']);
    expect(well.items[0].text).toBe('Blue (6.2% better than target 70.0%)');
    // Each exception counted once, under its strongest reason, a few named; the table under the ask has the detail.
    expect(notWell.intro).toBe('3 indicators are exceptions, each counted once under its strongest reason:');
    expect(notWell.items.map((i) => i.text)).toEqual([
      `Red against target (1): ${model.summary.exceptions[0].indicator.shortTitle}`,
      `Special cause of concern (1): ${model.summary.exceptions[1].indicator.shortTitle}`,
      `Significantly worse than a comparator (1): ${model.summary.exceptions[2].indicator.shortTitle}`,
    ]);
    // The ask comes before the table, so the first two pages say what the board must decide.
    expect(notWell.exceptionsTable).toBeFalsy();
    expect(asked.exceptionsTable).toBe(true);
    expect(model.summary.exceptionRows).toHaveLength(3);
    expect(model.summary.exceptionsMore).toBeNull();
    // The fixture's changes carry no test, so none is counted as significant.
    expect(changed.intro).toMatch(/0 significant improvements, 0 significant deteriorations; where no significance test applies, 1 improved and 2 deteriorated beyond the no-change band/);
    expect(asked.intro).toBe('The board is asked to take assurance from the 1 indicator on or better than target, to note the 3 exceptions, and to seek assurance from the owners of the 3 exceptions with no action recorded.');
    expect(asked.itemsIntro).toBe('3 exceptions have no action recorded, by owner:');
    expect(asked.items[0].text).toMatch(/^Head of Front Door: /);
  });

  it('scorecard: one table, a row per priority and per group, then population indicators and the three OBA questions', () => {
    const shape = model.scorecard.priorities.map((p) => [p.id, p.groups.map((g) => [g.key, g.rows.map((r) => r.id)])]);
    expect(shape).toEqual([
      ['best_start', [['population', ['low_birth_weight']], ['how_much', ['health_visits']], ['how_well', ['two_year_take_up']]]],
      ['early_help', [['population', ['cin_rate']], ['how_much', ['parenting_completions']], ['how_well', ['re_referrals']], ['better_off', ['eh_improved', 'attendance']]]],
    ]);
    expect(row('cin_rate').intervalCompact).toMatch(/^\(\d/);
  });

  it('report cards put impact first and carry the priority story', () => {
    const help = model.reportCards.cards.find((c) => c.id === 'early_help')!;
    // A population indicator is named on its card and drawn on its turn-the-curve page, not printed twice.
    expect(help.population.map((v) => v.id)).toEqual(['cin_rate']);
    expect(help.measures.map((m) => m.indicator.id)).toEqual(['eh_improved', 'attendance', 're_referrals', 'parenting_completions']);
    expect(help.story).toEqual(['Demand at the front door rose again this quarter, mostly from schools.']);
    const best = model.reportCards.cards.find((c) => c.id === 'best_start')!;
    expect(best.measures.find((m) => m.indicator.id === 'two_year_take_up')!.spcChart).not.toBeNull();
  });

  it('turn-the-curve: one block per population indicator with baseline, forecast and story paragraphs', () => {
    expect(model.turnTheCurve.pages.map((p) => p.indicator.id)).toEqual(['low_birth_weight', 'cin_rate']);
    const [lbw, cin] = model.turnTheCurve.pages;
    expect(lbw.story).toEqual(['The smoking-in-pregnancy service moved into family hubs in 2023.', 'Midwives now refer at booking, and take-up has doubled.']);
    expect(lbw.actions).toHaveLength(2);
    // One baseline: the periods the forecast is fitted to, stated as the chart shades them.
    expect(lbw.baseline).toBe('Baseline: 2022/23 Q1 to 2023/24 Q2 (6 figures, shaded on the chart; the forecast is fitted to these).');
    expect(lbw.forecast!.status).toBe('Curve turning');
    expect(lbw.reading).toBe('Curve turning; against 2024/25 Q3 improving (not tested).');
    expect(lbw.commentaryUpdated).toBe('28 May 2025');
    expect(cin.forecast!.status).toBe('Not turning the curve');
    expect(cin.hasCommentary).toBe(false);
    // Nothing written: one line, not two headings over two "none recorded" lines.
    expect(cin.noStoryOrActions).toBe('No story or actions have been recorded for this period.');
    expect(lbw.noStoryOrActions).toBeNull();
    expect(lbw.partnersText).toMatch(/^Indicator owner: Director of Public Health; Data provider: Riverside NHS Foundation Trust[^.]*\.$/);
    // The pack has a Localities section, which charts every indicator by locality: not drawn again here.
    expect(model.turnTheCurve.pages.every((p) => p.localityChart === null)).toBe(true);
    expect(model.locality.charts.map((c) => c.title)).toEqual(expect.arrayContaining(['Low birth weight babies']));
    // Not a pooled figure: the changes are labelled as usual.
    expect([lbw.previousLabel, lbw.lastYearLabel, lbw.overlapNote]).toEqual(['Previous period', 'Last year', null]);
  });

  it('localities: every indicator × locality, suppressed cells marked, markers explained', () => {
    expect(model.locality.areas.map((a) => a.name)).toEqual(['North', 'Central', 'South', 'West and Moorlands']);
    const cin = model.locality.rows.find((r) => r.indicator.id === 'cin_rate')!;
    // The unit once in the row's heading, bare figures in the cells.
    expect(cin.unit).toBe('rate per 10,000');
    expect(cin.cells.map((c) => c.value.text)).toEqual(['404.6', '430.8', 'c', 'c']);
    expect(cin.cells[3].value).toMatchObject({ status: 'suppressed', isValue: false, note: 'suppressed to protect small numbers' });
    expect(cin.whole.value.text).toBe('374.6');
    expect(model.locality.key.map((k) => k.marker)).toEqual(['awaiting data', 'c', 'not computed']);
  });

  it('appendix: definitions, rules, data quality with project-relative paths, suppression summary, glossary', () => {
    const lbw = model.appendix.definitions.find((d) => d.id === 'low_birth_weight')!;
    expect(Object.fromEntries(lbw.fields.map((f) => [f.label, f.value]))).toMatchObject({
      'Provider and owner': 'Riverside NHS Foundation Trust; Director of Public Health', Source: 'Maternity services data set, quarterly extract',
      Period: 'Financial-year quarter (quarterly); latest figure 2024/25 Q4', Unit: 'Percentage; lower is better',
    });
    expect(model.appendix.chartData.find((d) => d.title === 'Low birth weight babies')!.figures).toMatch(/^2022\/23 Q1 [\d.]+%; /);
    const rerefs = model.appendix.definitions.find((d) => d.title.startsWith('Re-referrals'))!;
    expect(rerefs.fields.find((f) => f.label === 'Rating')!.value).toMatch(/^target 20.0% in .*green at or below target 20.0%/);
    const late = model.appendix.dataQuality.find((d) => d.code === 'BP_LATE_RETURN')!;
    expect(late.where).toBe('extracts/family-hubs-2024-25-Q4.csv');
    expect(JSON.stringify(model.appendix.dataQuality)).not.toContain('/projects/riverside');
    expect(model.appendix.suppression.byReason).toEqual([
      { reason: 'Primary: a small count', count: 1 },
      { reason: 'Secondary: so that a total cannot reveal a small count', count: 1 },
    ]);
    expect(model.appendix.suppression.summary).toMatch(/^2 figures were suppressed/);
    expect(model.appendix.glossary.map((g) => g.term)).toEqual(expect.arrayContaining(['Turning the curve', 'RAG rating', 'Special cause variation', 'XmR chart']));
  });

  it('appendix: each indicator in brief, the figures behind the charts by period column, methods and glossary as one list', () => {
    const lbw = model.appendix.definitionRows.find((d) => d.title === 'Low birth weight babies')!;
    expect(lbw).toMatchObject({ anchor: 'def-low_birth_weight', period: 'Quarterly', polarity: 'Lower is better' });
    expect(lbw.definition.length).toBeGreaterThan(10);
    // The brief row names the provider; the full definition (on screen) keeps the rest.
    expect(lbw.source).not.toBe('not stated');
    const table = model.appendix.chartTables.find((t) => t.rows.some((r) => r.title === 'Low birth weight babies'))!;
    const row = table.rows.find((r) => r.title === 'Low birth weight babies')!;
    expect(row.values).toHaveLength(table.periods.length);
    expect(row.unit).toBe('percentage');
    expect(row.values.find((v) => /\d/.test(v))).toMatch(/^[\d.,]+$/);
    expect(table.periods.length).toBeLessThanOrEqual(12);
    // Every indicator's row is anchored once.
    const anchors = model.appendix.chartTables.flatMap((t) => t.rows.map((r) => r.anchor)).filter(Boolean);
    expect(new Set(anchors).size).toBe(anchors.length);
    // A term a method explains is explained once, by the method.
    const terms = model.appendix.terms.map((t) => t.term);
    expect(new Set(terms).size).toBe(terms.length);
    const methods = model.appendix.methods.map((m) => m.title);
    expect(terms).toEqual(expect.arrayContaining([...methods, 'Polarity', 'Outcomes-Based Accountability (OBA)']));
    if (methods.includes('Statistical process control')) expect(terms).not.toContain('XmR chart');
    expect(terms.filter((t) => /direction of travel/i.test(t))).toHaveLength(1);
    expect(terms.filter((t) => /confidence interval/i.test(t))).toHaveLength(1);
    expect(terms.filter((t) => /^RAG/i.test(t))).toHaveLength(1);
  });
});

describe('format', () => {
  it('figureView covers every status', () => {
    const pct = { unit: 'percent' as const, decimals: 1 };
    expect(figureView(pct, { status: 'ok', value: 62.34, marker: null }).text).toBe('62.3%');
    expect(figureView(pct, { status: 'suppressed', value: null, marker: 'c' }).text).toBe('c');
    expect(figureView(pct, { status: 'marked', value: null, marker: 'z' })).toMatchObject({ text: 'z', note: 'not applicable' });
    expect(figureView(pct, undefined).text).toBe('awaiting data');
    expect(figureView({ unit: 'rate_per_10000', decimals: 1 }, { status: 'ok', value: 98.06, marker: null }).text).toBe('98.1 per 10,000');
  });

  it('ragView: every rating has a distinct word and shape', () => {
    const views = (['red', 'amber', 'green', 'blue', 'grey'] as const).map(ragView);
    expect(new Set(views.map((v) => v.word)).size).toBe(5);
    expect(new Set(views.map((v) => v.shape)).size).toBe(5);
  });

  it('directionView: arrow by movement, word by judgement', () => {
    const pct = { unit: 'percent' as const, decimals: 1 };
    expect(directionView('improving', 5, 6, pct, 'the previous period', 'two_proportions')).toMatchObject({
      text: '↓ significant improvement', description: 'significant improvement: down from the previous period (6.0%); two-proportion z-test at the 5% level',
    });
    expect(directionView('no_change', 6.5, 6, pct, 'x', 'two_proportions').text).toBe('→ no significant change');
    expect(directionView('no_change', 6, 6, pct, 'x').text).toBe('→ no change');
    expect(directionView('no_judgement', 7, 6, pct, 'x').text).toBe('↑ higher (not tested)');
    expect(directionView('no_judgement', 7, 6, pct, 'x', 'two_poisson_rates').text).toBe('↑ significantly higher');
  });

  it('dates: ISO dates in words, timestamps in UK time, anything else as written', () => {
    expect(formatDate('2025-03-04')).toBe('4 March 2025');
    expect(formatDate('Thursday 12 June')).toBe('Thursday 12 June');
    expect(formatDateTime('2025-01-15T16:05:00Z')).toBe('15 January 2025, 16:05');
  });
});
