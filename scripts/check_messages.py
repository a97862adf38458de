"""Check the message catalogues: every string extracted, translated and compiled.

Fails (exit 1) when a template or Python string is missing from a catalogue, when a
catalogue has an untranslated or fuzzy entry, or when a compiled .mo file differs from
its .po file.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "src" / "booster"
LANGUAGES = ("sv", "fi", "en")


def catalogue(language: str, base: Path = APP) -> Path:
    return base / "locale" / language / "LC_MESSAGES" / "django.po"


def extracted_msgids() -> set[tuple[str, str]]:
    """Run makemessages on a copy of the source and return what it found."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "booster"
        shutil.copytree(APP, copy, ignore=shutil.ignore_patterns("__pycache__", "packs"))
        shutil.rmtree(copy / "locale", ignore_errors=True)
        (copy / "locale").mkdir()
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "booster.settings.test"}
        subprocess.run(  # noqa: S603 - our own venv, fixed arguments
            [
                str(ROOT / ".venv" / "bin" / "django-admin"),
                "makemessages",
                "-l",
                "sv",
                "--no-location",
                "--ignore",
                "static/vendor/*",
            ],
            cwd=copy,
            env=env,
            check=True,
            capture_output=True,
        )
        po = polib.pofile(str(catalogue("sv", copy)))
        return {(entry.msgctxt or "", entry.msgid) for entry in po}


def main() -> int:
    problems: list[str] = []
    wanted = extracted_msgids()
    for language in LANGUAGES:
        path = catalogue(language)
        if not path.exists():
            problems.append(f"{path.relative_to(ROOT)}: missing")
            continue
        po = polib.pofile(str(path))
        have = {(entry.msgctxt or "", entry.msgid) for entry in po if not entry.obsolete}
        for ctxt, msgid in sorted(wanted - have):
            problems.append(f"{path.relative_to(ROOT)}: not extracted yet: {ctxt}{msgid!r}")
        for entry in po.untranslated_entries():
            problems.append(f"{path.relative_to(ROOT)}: untranslated: {entry.msgid!r}")
        for entry in po.fuzzy_entries():
            problems.append(f"{path.relative_to(ROOT)}: fuzzy: {entry.msgid!r}")
        mo_path = path.with_suffix(".mo")
        if not mo_path.exists():
            problems.append(f"{mo_path.relative_to(ROOT)}: not compiled (make compilemessages)")
            continue
        mo = polib.mofile(str(mo_path))
        compiled = {
            (e.msgctxt or "", e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
            for e in mo
        }
        source = {
            (e.msgctxt or "", e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
            for e in po.translated_entries()
        }
        if compiled != source:
            problems.append(f"{mo_path.relative_to(ROOT)}: out of date (make compilemessages)")
    for line in problems:
        print(line)
    if problems:
        print(f"{len(problems)} problem(s) in the message catalogues")
        return 1
    print(f"message catalogues complete: {', '.join(LANGUAGES)}, {len(wanted)} strings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
