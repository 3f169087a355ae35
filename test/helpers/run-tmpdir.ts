/**
 * Before each test file, in the test process: the run's temporary folder (test/helpers/global-setup.ts) is the
 * process's TMPDIR, so os.tmpdir() (read afresh on every call) and the CLI children a test starts, which inherit
 * the environment, put everything they make there, and the global teardown removes it all.
 */
import { inject } from 'vitest';

const dir = inject('runTmpDir') as string | undefined;
if (dir) {
  // TMP and TEMP are where Windows looks.
  for (const name of ['TMPDIR', 'TMP', 'TEMP']) process.env[name] = dir;
}
