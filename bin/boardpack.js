#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm install` (prepare) or `npm run build`.
import('../dist/cli/main.js')
  .then((m) => m.main(process.argv))
  .catch((e) => {
    if (e && e.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes('dist/cli/main.js')) {
      process.stderr.write('boardpack is not built yet: run `npm install` (or `npm run build`) in the boardpack folder\n');
      process.exit(1);
    }
    throw e;
  });
