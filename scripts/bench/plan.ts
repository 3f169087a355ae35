/** What a benchmark run measures: sizes and repetitions for `--quick`, the full run, and explicit overrides. */

export const STEPS = ['csv', 'xlsx', 'indicators', 'pdf', 'help', 'demo', 'framework', 'pandas'] as const;
export type Step = (typeof STEPS)[number];

export interface Plan {
  quick: boolean;
  steps: Step[];
  /** CSV sizes, ascending, and repetitions at each (the largest full size runs once: it takes minutes). */
  csv: Array<{ rows: number; reps: number }>;
  xlsx: Array<{ rows: number; reps: number }>;
  indicatorReps: number;
  pdfReps: number;
  helpReps: number;
  demoReps: number;
  /** Warm runs of the 24- and 96-indicator frameworks and of --each area. */
  frameworkReps: number;
  jsonFile?: string;
  keep: boolean;
  tmp?: string;
}

export const USAGE = `npm run bench [-- options]
  --quick              a small run: CSV 10k (once) and 50k (twice) rows, XLSX 2k rows, one of each whole-CLI run
  --json FILE          also write every figure to FILE
  --only a,b           only these steps: ${STEPS.join(', ')}
  --csv-rows a,b,…     CSV sizes (rows)            --xlsx-rows a,b,…  XLSX sizes (rows)
  --reps N             repetitions of every step (the 10M CSV still runs once)
  --tmp DIR            work folder (default: a new folder under the system temp dir, removed afterwards)
  --keep               keep the work folder (generated data, warehouses, demo output)`;

function list(v: string | undefined, flag: string): number[] {
  const xs = (v ?? '').split(',').map((s) => Number(s.trim().replace(/_/g, '').replace(/k$/i, '000').replace(/m$/i, '000000')));
  if (!xs.length || xs.some((x) => !Number.isInteger(x) || x <= 0)) throw new Error(`${flag} wants a comma-separated list of row counts, e.g. 1000,10000 (got "${v ?? ''}")`);
  return xs.sort((a, b) => a - b);
}

export function parseArgs(argv: string[]): Plan {
  const quick = argv.includes('--quick');
  const plan: Plan = quick
    ? {
        quick, steps: [...STEPS],
        // Under a minute on an idle 2-core machine: most of it is child start-up (tsx) and the demo.
        csv: [{ rows: 10_000, reps: 1 }, { rows: 50_000, reps: 2 }],
        xlsx: [{ rows: 2_000, reps: 1 }],
        indicatorReps: 2, pdfReps: 1, helpReps: 3, demoReps: 1, frameworkReps: 1, keep: false,
      }
    : {
        quick, steps: [...STEPS],
        csv: [{ rows: 100_000, reps: 3 }, { rows: 1_000_000, reps: 2 }, { rows: 10_000_000, reps: 1 }],
        xlsx: [{ rows: 10_000, reps: 3 }, { rows: 100_000, reps: 2 }, { rows: 500_000, reps: 1 }],
        indicatorReps: 5, pdfReps: 3, helpReps: 10, demoReps: 2, frameworkReps: 2, keep: false,
      };
  let reps: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${a} needs a value`);
      return v;
    };
    switch (a) {
      case '--quick': break;
      case '--keep': plan.keep = true; break;
      case '--json': plan.jsonFile = next(); break;
      case '--tmp': plan.tmp = next(); break;
      case '--only': {
        const want = next().split(',').map((s) => s.trim());
        const bad = want.filter((s) => !(STEPS as readonly string[]).includes(s));
        if (bad.length) throw new Error(`--only: unknown step ${bad.join(', ')} (steps: ${STEPS.join(', ')})`);
        plan.steps = STEPS.filter((s) => want.includes(s));
        break;
      }
      case '--csv-rows': plan.csv = list(next(), a).map((rows) => ({ rows, reps: 3 })); break;
      case '--xlsx-rows': plan.xlsx = list(next(), a).map((rows) => ({ rows, reps: 3 })); break;
      case '--reps': {
        reps = Number(next());
        if (!Number.isInteger(reps) || reps < 1) throw new Error('--reps wants a whole number of at least 1');
        break;
      }
      case '-h': case '--help': throw new HelpRequested();
      default: throw new Error(`unknown option ${a}\n${USAGE}`);
    }
  }
  if (reps !== undefined) {
    for (const s of [...plan.csv, ...plan.xlsx]) s.reps = s.rows >= 10_000_000 ? 1 : reps;
    plan.indicatorReps = plan.pdfReps = plan.helpReps = plan.demoReps = plan.frameworkReps = reps;
  }
  return plan;
}

export class HelpRequested extends Error {}
