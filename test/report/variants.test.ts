/**
 * A locality's pack (`--each area`) judges the locality's own series: its SPC chart and forecast are fitted to
 * the locality's figures by the rules assess uses for the partnership, and a population indicator's baseline is
 * the locality's own figure, never the partnership's.
 */
import { describe, expect, it } from 'vitest';
import { seriesModels, spcFor } from '../../src/assess/index.js';
import { areaAssessment } from '../../src/report/variants.js';
import { fixtureAssessment } from './fixture.js';

describe('locality packs', () => {
  const assessment = fixtureAssessment();
  const north = areaAssessment(assessment, 'north');

  it('fit SPC and the forecast to the locality\'s own series', () => {
    let withSpc = 0;
    for (const ia of north.indicators) {
      const whole = assessment.indicators.find((x) => x.indicator.id === ia.indicator.id)!;
      expect(ia.series.every((s) => s.area === 'north')).toBe(true);
      expect({ spc: ia.spc, forecast: ia.forecast }).toEqual({ spc: undefined, forecast: undefined, ...seriesModels(ia.indicator, ia.series, ia.failure) });
      if (!ia.spc) continue;
      withSpc++;
      expect(ia.spc).toEqual(spcFor(ia.indicator, ia.series));
      // North's figures are not the partnership's, so neither is its centre line.
      if (whole.spc) expect(ia.spc.mean).not.toBeCloseTo(whole.spc.mean, 6);
    }
    expect(withSpc, 'some locality series are long enough for an SPC chart').toBeGreaterThan(0);
  });

  it('take a population indicator\'s baseline from the locality\'s figure for that period, or drop it', () => {
    let own = 0;
    for (const ia of north.indicators) {
      const whole = assessment.indicators.find((x) => x.indicator.id === ia.indicator.id)!;
      if (!whole.indicator.baseline) continue;
      const figure = north.results.find((r) => r.indicator === ia.indicator.id && r.period === whole.indicator.baseline!.period);
      if (figure?.status === 'ok' && figure.value !== null) {
        own++;
        expect(ia.indicator.baseline).toEqual({ period: whole.indicator.baseline.period, value: figure.value });
        expect(figure.value).not.toBe(whole.indicator.baseline.value);
      } else expect(ia.indicator.baseline).toBeUndefined();
    }
    expect(own, 'a baseline period the locality has a figure for').toBeGreaterThan(0);
  });
});
