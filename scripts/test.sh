#!/usr/bin/env bash
# Sets up and runs the whole test suite (PostgreSQL and Redis on 127.0.0.1 are used when reachable;
# with CI=true an unreachable server fails the run), plus the linters (ruff, and import-linter for the
# layers' rules).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
.venv/bin/ruff check .
.venv/bin/lint-imports --no-cache
exec .venv/bin/python -m pytest "$@"
