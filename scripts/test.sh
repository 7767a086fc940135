#!/usr/bin/env bash
# Sets up and runs the whole test suite (PostgreSQL and Redis on 127.0.0.1 are used when reachable;
# with CI=true an unreachable server fails the run), plus the linter.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
.venv/bin/ruff check .
exec .venv/bin/python -m pytest "$@"
