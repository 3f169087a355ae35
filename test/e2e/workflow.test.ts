/**
 * Issue #8: the GitHub Actions example runs the commands we think it runs. Its `run:` steps are executed in
 * order, as written, the way Actions does (bash -eo pipefail, the job's env, $GITHUB_PATH and $GITHUB_OUTPUT),
 * in a folder laid out like a partnership's repository: on fresh extracts every step passes and the pack is
 * verified; with a partner's latest quarter missing the pack step fails with exit 3 and the gates annotated.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { BIN, REPO_ROOT } from '../helpers/cli.js';
import { makeProject } from '../helpers/project.js';

const EPOCH = String(Date.UTC(2025, 4, 20) / 1000);
const WORKFLOW = path.join(REPO_ROOT, 'examples', 'github-actions', 'boardpack-monthly.yml');

interface Step { name?: string; id?: string; run?: string; uses?: string; if?: string; env?: Record<string, string> }
interface StepResult { name: string; status: number; stdout: string; stderr: string }

/** A partnership repository: the init project as `partnership/`, boardpack installed in node_modules/.bin. */
async function makeRepo(): Promise<string> {
  const repo = mkdtempSync(path.join(tmpdir(), 'bp-workflow-'));
  const project = await makeProject();
  renameSync(project, path.join(repo, 'partnership'));
  const bin = path.join(repo, 'node_modules', '.bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(path.join(bin, 'boardpack'), `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`);
  chmodSync(path.join(bin, 'boardpack'), 0o755);
  return repo;
}

/** Runs the workflow's shell steps like Actions; `uses:` steps and the npm ci on a cache hit are skipped. */
function runWorkflow(repo: string): StepResult[] {
  const wf = YAML.parse(readFileSync(WORKFLOW, 'utf8')) as { jobs: Record<string, { env: Record<string, string>; steps: Step[] }> };
  const job = Object.values(wf.jobs)[0];
  const githubPath = path.join(repo, '.github-path');
  const githubOutput = path.join(repo, '.github-output');
  writeFileSync(githubPath, '');
  writeFileSync(githubOutput, '');
  const results: StepResult[] = [];
  for (const step of job.steps) {
    if (!step.run) continue;
    if (step.if && /cache-hit != 'true'/.test(step.if)) continue; // node_modules came from the cache
    const extraPath = readFileSync(githubPath, 'utf8').split('\n').filter(Boolean).reverse();
    const env: NodeJS.ProcessEnv = {
      ...process.env, ...job.env, ...step.env, SOURCE_DATE_EPOCH: EPOCH,
      GITHUB_PATH: githubPath, GITHUB_OUTPUT: githubOutput,
      PATH: [...extraPath, process.env.PATH].join(path.delimiter),
    };
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run], { cwd: repo, env, encoding: 'utf8', timeout: 300_000 });
    results.push({ name: step.name ?? step.id ?? step.run, status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr });
    if (r.status !== 0) break; // a failed step fails the job; `if: always()` steps are uploads (uses:)
  }
  return results;
}

describe('examples/github-actions/boardpack-monthly.yml', () => {
  it('names the caches, the artifact upload and the strict setting it promises', () => {
    const text = readFileSync(WORKFLOW, 'utf8');
    const wf = YAML.parse(text) as { jobs: Record<string, { env: Record<string, string>; steps: Step[] }> };
    const job = Object.values(wf.jobs)[0];
    expect(job.env).toMatchObject({ CI: 'true', BOARDPACK_STRICT: '1' });
    const uses = job.steps.map((s) => s.uses ?? '');
    expect(uses.filter((u) => u.startsWith('actions/cache@'))).toHaveLength(2);
    // The pack is uploaded only once verified; the run summary always, so a failed run still says why.
    const uploads = job.steps.filter((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(uploads.map((s) => s.if)).toEqual(["always() && steps.verify.outcome == 'success'", 'always()']);
    expect(job.steps.some((s) => s.id === 'verify')).toBe(true);
    for (const f of ['monthly-job.sh', 'cron/crontab', 'systemd/boardpack-monthly.service', 'systemd/boardpack-monthly.timer']) {
      expect(existsSync(path.join(REPO_ROOT, 'examples', f)), f).toBe(true);
    }
  });

  it('on fresh extracts: every step passes and the pack is built and verified', async () => {
    const repo = await makeRepo();
    const steps = runWorkflow(repo);
    expect(steps.map((s) => s.name)).toEqual(['Put boardpack on the PATH', 'Check the framework', 'Build the pack', 'Verify the pack against its manifest']);
    for (const s of steps) expect(s.status, `${s.name}\n${s.stderr}`).toBe(0);
    for (const f of ['board-pack.html', 'scorecard.xlsx', 'results.json', 'manifest.json']) expect(existsSync(path.join(repo, 'out', f)), f).toBe(true);
    const summary = JSON.parse(readFileSync(path.join(repo, 'run-summary.json'), 'utf8'));
    expect(summary).toMatchObject({ status: 'ok', strict: true, gates: [] });
    expect(readFileSync(path.join(repo, '.github-output'), 'utf8')).toContain('exit-code=0');
  }, 600_000);

  it('with a partner\'s latest quarter missing: the pack step fails with exit 3 and annotates every gate', async () => {
    const repo = await makeRepo();
    const file = path.join(repo, 'partnership', 'extracts', 'health.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const ws = wb.worksheets[0];
    for (let r = ws.rowCount; r >= 1; r--) if (String(ws.getRow(r).getCell(1).value ?? '') === '2024/25 Q4') ws.spliceRows(r, 1);
    await wb.xlsx.writeFile(file);
    const steps = runWorkflow(repo);
    const pack = steps.find((s) => s.name === 'Build the pack')!;
    expect(pack.status).toBe(3);
    expect(steps[steps.length - 1]).toBe(pack); // verify did not run; the job failed here
    expect(pack.stdout).toMatch(/^::error title=BP_GATE_SOURCE_MISSING_PERIOD::source health .*2024-25-Q4.*low_birth_weight/m);
    expect(readFileSync(path.join(repo, '.github-output'), 'utf8')).toContain('exit-code=3');
    expect(existsSync(path.join(repo, 'out', 'board-pack.html'))).toBe(true); // still there for the artifact
  }, 600_000);
});
