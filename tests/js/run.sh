#!/usr/bin/env bash
# The JavaScript tests (static/js/markdown.js and its XSS corpus) with node's built-in runner.
# Without node they are skipped, except under CI=true, where that is a failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v node >/dev/null 2>&1; then
  if [ "${CI:-}" = "true" ]; then
    echo "error: node is missing, so the JavaScript tests (tests/js) cannot run (make install adds it)" >&2
    exit 1
  fi
  echo "warning: node is missing; the JavaScript tests (tests/js) are skipped (make install adds it)" >&2
  exit 0
fi
# The spec reporter ends with the counts (tests, pass, fail) whether or not a terminal is attached.
exec node --test --test-reporter=spec tests/js/*.test.mjs
