import shutil
import subprocess
import sys
from pathlib import Path

from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "locale" / "it" / "LC_MESSAGES" / "django.po"
SOURCES = ["smartprogress", "members", "notifications", "groups", "calls", "training", "networking", "templates"]


def _msgids(po_path):
    """(msgctxt, msgid) pairs of a catalogue, header excluded."""
    import re

    text = po_path.read_text(encoding="utf-8")
    entries = set()
    for block in text.split("\n\n"):
        if "#~" in block:
            continue
        ctxt = re.search(r'^msgctxt "(.*)"', block, re.M)
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        if msgid:
            value = "".join(re.findall(r'"(.*)"', msgid.group(1)))
            if value:
                entries.add((ctxt.group(1) if ctxt else "", value))
    return entries


def test_italian_catalogue_has_no_untranslated_or_fuzzy_entry():
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(CATALOGUE)], capture_output=True, text=True
    )

    assert result.returncode == 0, result.stderr
    assert "fuzzy" not in result.stderr and "untranslated" not in result.stderr, result.stderr


def test_italian_catalogue_holds_every_string_of_the_code(tmp_path):
    """A string added to the code without `make messages` would show in English."""
    for name in SOURCES:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "migrations"))
    (tmp_path / "locale" / "it" / "LC_MESSAGES").mkdir(parents=True)
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "it", "--no-obsolete", "-v0"],
        cwd=tmp_path,
        check=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "smartprogress.settings", "PYTHONPATH": str(tmp_path)},
    )
    fresh = _msgids(tmp_path / "locale" / "it" / "LC_MESSAGES" / "django.po")

    missing = fresh - _msgids(CATALOGUE)

    assert missing == set(), "run `make messages` and translate: " + ", ".join(sorted(m[1] for m in missing))


def test_no_model_change_lacks_a_migration(db):
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
