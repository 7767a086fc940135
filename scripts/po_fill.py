"""Developer tool for the gettext catalogs (used by scripts/i18n.sh).

- `po_fill.py en`: English is the source language, so the en catalog's empty entries get the msgid.
- `po_fill.py es FILE.json`: merges translations {msgid: msgstr} into the es catalog (a list of
  strings for a plural entry).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

LOCALES = Path(__file__).resolve().parents[1] / "locales"


def main(lang: str, source: str | None = None) -> None:
    path = LOCALES / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    extra = json.loads(Path(source).read_text(encoding="utf-8")) if source else {}
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        if msgid in extra:
            value = extra[msgid]
            message.string = tuple(value) if isinstance(value, list) else value
        elif lang == "en" and not (message.string if isinstance(message.string, str)
                                    else all(message.string)):
            message.string = message.id if isinstance(message.id, str) else tuple(message.id)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False)


if __name__ == "__main__":
    main(*sys.argv[1:])
