#!/usr/bin/env bash
# Developer tool: extract every translatable string and merge it into the es and en catalogs.
# English is the source language (its catalog is filled from the msgids); translate the empty
# Spanish entries (scripts/po_fill.py es FILE.json merges a batch); tests/unit/test_locales.py fails while any is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/pybabel extract --no-location --sort-output -k N_ -k lazy_gettext -F babel.cfg \
  -o locales/messages.pot bot handlers jobs lottery presentation providers services speed storage
for lang in es en; do
  if [ -f "locales/$lang/LC_MESSAGES/messages.po" ]; then
    .venv/bin/pybabel update --no-fuzzy-matching --ignore-obsolete -D messages -l "$lang" \
      -i locales/messages.pot -d locales
  else
    .venv/bin/pybabel init -D messages -l "$lang" -i locales/messages.pot -d locales
  fi
done
.venv/bin/python scripts/po_fill.py en
.venv/bin/pybabel compile -d locales -D messages
