#!/usr/bin/env bash
# Sets up and runs the bot's main job on the embedded defaults: SQLite, house provider, the bundled
# Venezuelan demo catalog. Without BOT_TOKEN (environment or .env) it starts console mode.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/taquilla run "$@"
