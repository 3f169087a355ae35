/**
 * One error type for everything a user can fix (bad data, bad config), with a stable code and a location.
 * The CLI's single top-level handler prints these plainly (exit 1) and anything else as an internal error.
 */
export interface ProblemLocation {
  file?: string;
  sheet?: string;
  row?: number;
  column?: string;
  /** Dotted YAML path, e.g. `indicators.school_readiness.targets.2024-25`. */
  yamlPath?: string;
  line?: number;
}

export type Severity = 'error' | 'warning';

/** A diagnostic: stable code, what, where, the offending value, how to fix. Tests assert codes, not wording. */
export interface Problem extends ProblemLocation {
  code: string;
  severity: Severity;
  message: string;
  value?: unknown;
  expected?: string;
  fix?: string;
}

export class BoardpackError extends Error {
  readonly problems: Problem[];
  readonly exitCode: number;
  constructor(problems: Problem | Problem[], options?: { cause?: unknown; exitCode?: number }) {
    const list = Array.isArray(problems) ? problems : [problems];
    super(list.map(formatProblem).join('\n'), options?.cause ? { cause: options.cause } : undefined);
    this.name = 'BoardpackError';
    this.problems = list;
    this.exitCode = options?.exitCode ?? 1;
  }
  get code(): string {
    return this.problems[0]?.code ?? 'BP000';
  }
}

/** Wrong command-line usage: exit code 2. */
export class UsageError extends BoardpackError {
  constructor(message: string, fix?: string) {
    super({ code: 'BP_USAGE', severity: 'error', message, fix }, { exitCode: 2 });
    this.name = 'UsageError';
  }
}

/** An error as it crosses to another thread: structured clone keeps an Error's message, not a BoardpackError's problems. */
export interface ThreadError { problems?: Problem[]; exitCode?: number; message: string; stack?: string }

export function toThreadError(e: unknown): ThreadError {
  return e instanceof BoardpackError
    ? { problems: e.problems, exitCode: e.exitCode, message: e.message, stack: e.stack }
    : { message: (e as Error)?.message ?? String(e), stack: (e as Error)?.stack };
}

/** The error as it was thrown in the other thread: a BoardpackError with its problems, or an Error with its stack. */
export function fromThreadError(t: ThreadError): Error {
  if (t.problems) return new BoardpackError(t.problems, { exitCode: t.exitCode });
  return Object.assign(new Error(t.message), t.stack ? { stack: t.stack } : {});
}

export function problem(code: string, message: string, extra: Omit<Problem, 'code' | 'message' | 'severity'> & { severity?: Severity } = {}): Problem {
  return { code, severity: extra.severity ?? 'error', message, ...extra };
}

export function formatLocation(p: ProblemLocation): string {
  const parts: string[] = [];
  if (p.file) parts.push(p.line ? `${p.file}:${p.line}` : p.file);
  if (p.sheet) parts.push(`sheet "${p.sheet}"`);
  if (p.row !== undefined) parts.push(`row ${p.row}`);
  if (p.column) parts.push(`column "${p.column}"`);
  if (p.yamlPath) parts.push(`at ${p.yamlPath}`);
  return parts.join(', ');
}

/** The one formatter for every diagnostic: `[code] where: what (value) — fix`. */
export function formatProblem(p: Problem): string {
  const where = formatLocation(p);
  let s = `${p.severity === 'warning' ? 'warning' : 'error'} ${p.code}${where ? ` ${where}` : ''}: ${p.message}`;
  if (p.value !== undefined) s += ` (found: ${excerptOf(p.value)})`;
  if (p.expected) s += `; expected ${p.expected}`;
  if (p.fix) s += `\n  fix: ${p.fix}`;
  return s;
}

/** At most a short excerpt of a value: a file read by mistake as a value must never be printed whole. */
export function excerptOf(value: unknown, max = 200): string {
  const s = JSON.stringify(value) ?? String(value);
  return s.length > max ? `${s.slice(0, max)}… (${s.length} characters)` : s;
}

export function isBoardpackError(e: unknown): e is BoardpackError {
  return e instanceof BoardpackError;
}

/** "did you mean …?" for near-miss names (Levenshtein distance ≤ 1/3 of the length). */
export function didYouMean(value: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const a of allowed) {
    const d = levenshtein(value.toLowerCase(), a.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = a;
    }
  }
  if (best === undefined) return undefined;
  return bestD <= Math.max(2, Math.ceil(best.length / 3)) ? best : undefined;
}

function levenshtein(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}
