#!/usr/bin/env bash
# The monthly job for cron or systemd: the same commands as github-actions/boardpack-monthly.yml.
# Run from the folder holding package.json; set BOARDPACK_PROJECT and BOARDPACK_OUT (or edit below).
# Exit status: 0 pack built and verified, 1 a problem to fix, 3 a freshness gate failed (see run-summary.json).
set -uo pipefail
cd "$(dirname "$0")/.." 2>/dev/null || true
export CI=true BOARDPACK_STRICT=1
export BOARDPACK_PROJECT="${BOARDPACK_PROJECT:-partnership}" BOARDPACK_OUT="${BOARDPACK_OUT:-out}"
PATH="$PWD/node_modules/.bin:$PATH"

boardpack validate || exit $?
boardpack run --json > run-summary.json
code=$?
if [ "$code" -ne 0 ]; then
  echo "boardpack run exited $code; the gates and problems are in run-summary.json and the pack's data-quality appendix" >&2
  exit "$code"
fi
boardpack verify "$BOARDPACK_OUT"
