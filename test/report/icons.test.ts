import { describe, expect, it } from 'vitest';
import { xmr, type ImprovementDirection } from '../../src/assess/stats/index.js';
import { assertSelfContained } from '../../src/report/charts.js';
import { ASSURANCE_TEXT, VARIATION_TEXT } from '../../src/report/words.js';
import { SPC_COLOUR, assuranceIcon, spcIcons, variationIcon } from '../../src/report/icons.js';

/*
 * Every Making Data Count icon pair an XmR chart can give, reached from data rather than named: a steady process
 * (alternating 10, 11) whose last point is normal, far above or far below; each with the target above the upper
 * limit, inside the limits, below the lower limit, or absent; for each improvement direction.
 */
const STEADY = [10, 11, 10, 11, 10, 11, 10, 11, 10, 11];
const ENDINGS = { common: 10, high: 30, low: -10 } as const;

type Ending = keyof typeof ENDINGS;
type TargetAt = 'above' | 'inside' | 'below' | 'none';

function run(improvement: ImprovementDirection, ending: Ending, targetAt: TargetAt) {
  const values = [...STEADY, ENDINGS[ending]];
  const limits = xmr(values, { improvement });
  const target = { above: limits.upperLimit + 1, inside: limits.mean, below: limits.lowerLimit - 1, none: null }[targetAt];
  return xmr(values, { improvement, target });
}

const expectedVariation = (improvement: ImprovementDirection, ending: Ending): string => {
  if (ending === 'common') return 'common_cause';
  if (improvement === 'neutral') return `neutral_${ending}`;
  const good = (improvement === 'increase') === (ending === 'high');
  return `${good ? 'improvement' : 'concern'}_${ending}`;
};
const expectedAssurance = (improvement: ImprovementDirection, targetAt: TargetAt): string | null => {
  if (targetAt === 'none' || improvement === 'neutral') return null;
  if (targetAt === 'inside') return 'hit_or_miss';
  // A target above every likely figure is always missed when higher is better, always met when lower is.
  return (targetAt === 'above') === (improvement === 'increase') ? 'fail' : 'pass';
};

const colourOf: Record<string, string> = {
  common_cause: SPC_COLOUR.common, improvement_high: SPC_COLOUR.improvement, improvement_low: SPC_COLOUR.improvement,
  concern_high: SPC_COLOUR.concern, concern_low: SPC_COLOUR.concern, neutral_high: SPC_COLOUR.neutral, neutral_low: SPC_COLOUR.neutral,
  pass: SPC_COLOUR.improvement, fail: SPC_COLOUR.concern, hit_or_miss: SPC_COLOUR.common,
};
const ringColour = (svg: string) => /<circle cx="20" cy="20" r="17.5" fill="#ffffff" stroke="(#[0-9a-f]{6})"/.exec(svg)?.[1];
const titleOf = (svg: string) => /<title>([^<]*)<\/title>/.exec(svg)?.[1];
const lettersOf = (svg: string) => [...svg.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]).join('');

describe('Making Data Count icons for every variation x assurance combination', () => {
  const seen = new Set<string>();
  for (const improvement of ['increase', 'decrease', 'neutral'] as const) {
    for (const ending of ['common', 'high', 'low'] as const) {
      for (const targetAt of ['above', 'inside', 'below', 'none'] as const) {
        const variation = expectedVariation(improvement, ending);
        const assurance = expectedAssurance(improvement, targetAt);
        it(`${improvement}, last point ${ending}, target ${targetAt}: ${variation} + ${assurance ?? 'no assurance'}`, () => {
          const r = run(improvement, ending, targetAt);
          expect(r.variation).toBe(variation);
          expect(r.assurance).toBe(assurance);
          const icons = spcIcons(r)!;
          seen.add(`${icons.variation.kind}/${icons.assurance?.kind ?? null}`);

          // Variation: colour by meaning, H or L for the side of a special cause, none for common cause.
          expect(icons.variation.kind).toBe(variation);
          expect(ringColour(icons.variation.svg)).toBe(colourOf[variation]);
          expect(lettersOf(icons.variation.svg)).toBe(ending === 'common' ? '' : ending === 'high' ? 'H' : 'L');
          expect(icons.variation.text).toBe(VARIATION_TEXT[variation]);
          expect(titleOf(icons.variation.svg)).toBe(icons.variation.text);

          if (assurance === null) {
            expect(icons.assurance).toBeNull();
          } else {
            expect(icons.assurance!.kind).toBe(assurance);
            expect(ringColour(icons.assurance!.svg)).toBe(colourOf[assurance]);
            expect(lettersOf(icons.assurance!.svg)).toBe({ pass: 'P', fail: 'F', hit_or_miss: '' }[assurance]);
            expect(icons.assurance!.text).toBe(ASSURANCE_TEXT[assurance]);
            expect(titleOf(icons.assurance!.svg)).toBe(icons.assurance!.text);
          }
          for (const icon of [icons.variation, icons.assurance].filter((x) => x !== null)) {
            expect(icon.svg).toMatch(/^<svg [^>]*role="img"[^>]*aria-label="[^"]+"/);
            expect(() => assertSelfContained(icon.svg)).not.toThrow();
            expect(icon.label.length).toBeGreaterThan(3);
          }
        });
      }
    }
  }

  it('the matrix reached all 7 variation icons with each of the 3 assurance icons (and none) where a direction allows', () => {
    // Runs after the cases above (vitest runs a file's tests in order).
    const variations = new Set([...seen].map((s) => s.split('/')[0]));
    expect([...variations].sort()).toEqual(['common_cause', 'concern_high', 'concern_low', 'improvement_high', 'improvement_low', 'neutral_high', 'neutral_low']);
    for (const v of ['common_cause', 'improvement_high', 'improvement_low', 'concern_high', 'concern_low']) {
      for (const a of ['pass', 'fail', 'hit_or_miss', 'null']) expect(seen.has(`${v}/${a}`), `${v}/${a}`).toBe(true);
    }
  });

  it('each icon has its own picture and words', () => {
    const kinds = ['common_cause', 'improvement_high', 'improvement_low', 'concern_high', 'concern_low', 'neutral_high', 'neutral_low'] as const;
    const svgs = kinds.map((k) => variationIcon(k).svg);
    expect(new Set(svgs).size).toBe(kinds.length);
    expect(new Set(kinds.map((k) => variationIcon(k).label)).size).toBe(kinds.length);
    const a = (['pass', 'fail', 'hit_or_miss'] as const).map((k) => assuranceIcon(k));
    expect(new Set(a.map((x) => x.svg)).size).toBe(3);
    expect(new Set(a.map((x) => x.label)).size).toBe(3);
  });

  it('rejects a kind it has no icon for, and gives no icons without an SPC chart', () => {
    expect(() => variationIcon('improving' as never)).toThrow(/unknown SPC variation/);
    expect(() => assuranceIcon('met' as never)).toThrow(/unknown SPC assurance/);
    expect(spcIcons(undefined)).toBeNull();
  });
});
