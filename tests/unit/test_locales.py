"""Every message the code can show exists in Spanish and English, and the catalogs are current."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from lottery.i18n import LOCALES_DIR, SUPPORTED_LOCALES, gettext

ROOT = Path(__file__).resolve().parents[2]


def _catalog(lang: str):
    with (LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=lang)


def _extracted_ids(tmp_path: Path) -> set[str]:
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "--no-location",
            "-k",
            "N_",
            "-k",
            "lazy_gettext",
            "-F",
            str(ROOT / "babel.cfg"),
            "-o",
            str(pot),
            *(
                str(ROOT / p)
                for p in ("bot", "handlers", "jobs", "lottery", "presentation", "providers",
                          "services", "speed", "storage")
            ),
        ],
        check=True,
        cwd=ROOT,
        capture_output=True,
    )
    with pot.open("rb") as handle:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}


def test_every_extracted_message_is_translated_in_every_language(tmp_path: Path) -> None:
    wanted = _extracted_ids(tmp_path)
    assert len(wanted) > 10
    for lang in SUPPORTED_LOCALES:
        catalog = _catalog(lang)
        missing = sorted(
            msgid
            for msgid in wanted
            if (m := catalog.get(msgid)) is None
            or not m.string
            or m.fuzzy
            or (isinstance(m.string, tuple) and not all(m.string))
        )
        assert not missing, f"{lang}: {len(missing)} untranslated, e.g. {missing[:5]}"


def test_spanish_is_really_spanish() -> None:
    assert gettext("Choose your language:", "es") == "Elige tu idioma:"
    assert gettext("Choose your language:", "en") == "Choose your language:"
