/** OBA lint: rules about the framework as a whole (warnings unless they make a rating wrong). */
import { problem, type Problem } from '../core/errors.js';
import { pooledKind } from '../core/periods.js';
import type { Config, IndicatorDef } from './types.js';

export function lintIndicators(indicators: IndicatorDef[], config: Config): Problem[] {
  const out: Problem[] = [];
  const at = (d: IndicatorDef, key: string, code: string, message: string, fix: string, severity: 'error' | 'warning' = 'warning') =>
    out.push(problem(code, message, { file: d.file, yamlPath: `indicators.${d.id}${key ? `.${key}` : ''}`, fix, severity }));
  for (const d of indicators) {
    if (d.kind === 'population_indicator' && Object.keys(d.targets).length) {
      at(d, 'targets', 'BP_LINT_POPULATION_TARGET', 'a population indicator has a target; OBA gives population indicators a baseline and forecast ("turning the curve")', 'replace `targets:` with `baseline:`, or make it a performance_measure');
    }
    if (d.question === 'better_off' && d.unit === 'count' && d.kind === 'performance_measure') {
      at(d, 'unit', 'BP_LINT_BETTER_OFF_COUNT', 'a "better off" measure is a bare activity count', 'measure the number *and* percentage better off: use unit percent with a denominator');
    }
    if (d.pool && d.aggregate !== pooledKind(d.pool.years)) {
      at(d, 'pool', 'BP_POOL_WITH_AGGREGATE', `an indicator cannot be both pooled over ${d.pool.years} years and aggregated (${d.aggregate})`, 'keep `pool:` (rare events over several years) or `aggregate:`, not both', 'error');
    }
    if (d.polarity === 'none' && Object.keys(d.targets).length) {
      at(d, 'polarity', 'BP_LINT_NO_POLARITY', 'an indicator with targets has polarity none, so it cannot be rated', 'set polarity: higher_is_better or lower_is_better', 'error');
    }
    if (d.baseline && d.polarity !== 'none') {
      for (const [period, t] of Object.entries(d.targets)) {
        const wrongSide = d.polarity === 'higher_is_better' ? t.value < d.baseline.value : t.value > d.baseline.value;
        if (wrongSide) at(d, `targets.${period}`, 'BP_LINT_TARGET_WRONG_SIDE', `target ${t.value} is worse than the baseline ${d.baseline.value} for a ${d.polarity.replace(/_/g, ' ')} indicator`, 'check the polarity or the target');
      }
    }
  }
  for (const p of config.framework.priorities) {
    const measures = indicators.filter((d) => d.priority === p.id && d.kind === 'performance_measure');
    if (measures.length && !measures.some((d) => d.question === 'better_off')) {
      out.push(problem('BP_LINT_NO_BETTER_OFF', `priority "${p.id}" has performance measures but none answers "is anyone better off?"`, {
        severity: 'warning', file: config.configFile, yamlPath: `framework.priorities.${p.id}`, fix: 'add a better_off measure (number and % with a better outcome)',
      }));
    }
  }
  const decision = lintDecision(config);
  if (decision) out.push(decision);
  return out;
}

/** Words that ask a board to decide, rather than to note or take assurance. */
const DECIDING = /\b(agree|approve|decide|endorse|ratify|authori[sz]e|commission)\b/i;

/**
 * The recommendation must ask for what the paper's decision type says: a paper "for assurance" or "for
 * information" that asks the board to agree or approve something, or a paper "for decision" that asks for
 * nothing to be decided, misleads the board (and its minutes).
 */
export function lintDecision(config: Config): Problem | null {
  const { decision, recommendation } = config.board;
  if (!recommendation) return null;
  const decides = DECIDING.test(recommendation);
  if (decision === 'decision' ? decides : !decides) return null;
  const word = DECIDING.exec(recommendation)?.[0];
  return problem('BP_LINT_DECISION_MISMATCH', decision === 'decision'
    ? 'the paper is "for decision" but its recommendation asks the board to decide nothing (no agree, approve or decide)'
    : `the paper is "for ${decision}" but its recommendation asks the board to ${word?.toLowerCase()} something`, {
    severity: 'warning', file: config.configFile, yamlPath: 'board.recommendation', value: recommendation,
    fix: decision === 'decision'
      ? 'say what the board is asked to decide, or set board.decision: assurance (or information)'
      : 'set board.decision: decision, or reword the recommendation to ask the board to note or take assurance (or remove it: the pack then words one from the decision type)',
  });
}
