import { describe, expect, it } from 'vitest';
import { compareWithBenchmark, type Polarity } from '../../src/assess/stats/index.js';

const AREA = { value: 80, lower: 70, upper: 90 };

describe('compareWithBenchmark', () => {
  it('benchmark inside the interval is similar, whatever the polarity', () => {
    for (const p of ['higher_is_better', 'lower_is_better', 'none'] as Polarity[]) {
      expect(compareWithBenchmark(AREA, 75, p)).toBe('similar');
      expect(compareWithBenchmark(AREA, 85, p)).toBe('similar');
    }
  });

  it('the interval bounds are inclusive', () => {
    expect(compareWithBenchmark(AREA, 70, 'higher_is_better')).toBe('similar');
    expect(compareWithBenchmark(AREA, 90, 'higher_is_better')).toBe('similar');
    expect(compareWithBenchmark(AREA, 69.999, 'higher_is_better')).toBe('better');
    expect(compareWithBenchmark(AREA, 90.001, 'higher_is_better')).toBe('worse');
  });

  it('benchmark below the whole interval: the area is higher', () => {
    expect(compareWithBenchmark(AREA, 60, 'higher_is_better')).toBe('better');
    expect(compareWithBenchmark(AREA, 60, 'lower_is_better')).toBe('worse');
    expect(compareWithBenchmark(AREA, 60, 'none')).toBe('higher');
  });

  it('benchmark above the whole interval: the area is lower', () => {
    expect(compareWithBenchmark(AREA, 100, 'higher_is_better')).toBe('worse');
    expect(compareWithBenchmark(AREA, 100, 'lower_is_better')).toBe('better');
    expect(compareWithBenchmark(AREA, 100, 'none')).toBe('lower');
  });

  it('any missing input gives not_compared', () => {
    expect(compareWithBenchmark(AREA, null, 'higher_is_better')).toBe('not_compared');
    expect(compareWithBenchmark(AREA, Number.NaN, 'higher_is_better')).toBe('not_compared');
    expect(compareWithBenchmark({ ...AREA, lower: null }, 50, 'higher_is_better')).toBe('not_compared');
    expect(compareWithBenchmark({ ...AREA, upper: Number.NaN }, 50, 'lower_is_better')).toBe('not_compared');
    expect(compareWithBenchmark({ ...AREA, value: null }, 50, 'none')).toBe('not_compared');
    expect(compareWithBenchmark({ value: undefined, lower: undefined, upper: undefined }, 50, 'none')).toBe('not_compared');
  });

  it('a polarity typo is an error, not a silent verdict', () => {
    expect(() => compareWithBenchmark(AREA, 60, 'High' as unknown as Polarity)).toThrow(TypeError);
  });
});
