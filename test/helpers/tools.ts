import { execFileSync } from 'node:child_process';

/** Whether a command-line tool is on the PATH (it runs, whatever its exit code, e.g. poppler's `pdfinfo -v`). */
export function hasTool(tool: string): boolean {
  try {
    execFileSync(tool, ['-v'], { stdio: 'ignore' });
    return true;
  } catch (e) {
    return (e as { code?: string }).code !== 'ENOENT';
  }
}
