#!/usr/bin/env bash
# Sets up everything the bot needs from a clean clone: virtualenv, dependencies, compiled locales.
# Usage: scripts/setup.sh [--dev]   (--dev adds the test and lint tools)
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "setup: Python 3.11 or newer is needed (found: $("$python" --version 2>&1))" >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv || {
    echo "setup: creating the virtualenv failed; installing python3-venv" >&2
    apt-get update -qq && apt-get install -y -qq python3-venv && "$python" -m venv .venv
  }
fi
# Ticket images need a font with Spanish letters (á, ñ, ¿) and ₡; Pillow's own is ASCII only.
font=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
if [ ! -f "$font" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    (apt-get update -qq && apt-get install -y -qq fonts-dejavu-core) >/dev/null 2>&1 \
      || echo "setup: could not install fonts-dejavu-core; ticket images will drop accents" >&2
  else
    echo "setup: install the DejaVu fonts (fonts-dejavu-core) for accents on ticket images" >&2
  fi
fi
extras=""
[ "${1:-}" = "--dev" ] && extras="[dev]"
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extras}" 2>&1 \
  | grep -v "^WARNING: Location" || true
.venv/bin/python -m pip check >/dev/null
.venv/bin/pybabel compile -d locales -D messages --statistics 2>&1 | grep -v "^compiling" || true
