import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import translation
from django.utils.functional import Promise
from django_celery_beat.models import IntervalSchedule

from tests.catalogues import read_catalogue

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "locale" / "it" / "LC_MESSAGES" / "django.po"
VENDOR = ROOT / "locale_vendor" / "it" / "LC_MESSAGES"
SOURCES = ["smartprogress", "members", "notifications", "groups", "calls", "training", "networking", "templates"]


def _msgids(po_path):
    """(msgctxt, msgid) pairs of a catalogue, header and obsolete entries excluded."""
    return {(entry.msgctxt, entry.msgid) for entry in read_catalogue(po_path) if not entry.obsolete}


@pytest.fixture(scope="module")
def fresh_makemessages(tmp_path_factory):
    """A copy of the project after `make messages`: the sources, both locale folders."""
    root = tmp_path_factory.mktemp("project")
    for name in SOURCES:
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__", "migrations"))
    (root / "locale" / "it" / "LC_MESSAGES").mkdir(parents=True)
    shutil.copytree(ROOT / "locale_vendor", root / "locale_vendor", ignore=shutil.ignore_patterns("*.mo"))
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "it", "--no-obsolete", "-v0"],
        cwd=root,
        check=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "smartprogress.settings", "PYTHONPATH": str(root)},
    )
    return root


@pytest.mark.parametrize(
    "catalogue", [CATALOGUE, VENDOR / "django.po", VENDOR / "djangojs.po"], ids=["ours", "vendor", "vendor-js"]
)
def test_italian_catalogue_has_no_untranslated_or_fuzzy_entry(catalogue):
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(catalogue)], capture_output=True, text=True
    )

    assert result.returncode == 0, result.stderr
    assert "fuzzy" not in result.stderr and "untranslated" not in result.stderr, result.stderr


def test_italian_catalogue_holds_every_string_of_the_code(fresh_makemessages):
    """A string added to the code without `make messages` would show in English."""
    fresh = _msgids(fresh_makemessages / "locale" / "it" / "LC_MESSAGES" / "django.po")

    missing = fresh - _msgids(CATALOGUE)

    assert missing == set(), "run `make messages` and translate: " + ", ".join(sorted(m[1] for m in missing))


def test_makemessages_writes_only_our_catalogue(fresh_makemessages):
    """The hand-kept catalogue for Django's and the libraries' strings, or any other, is not regenerated."""
    ours = Path("locale/it/LC_MESSAGES/django.po")
    catalogues = sorted(p.relative_to(fresh_makemessages) for p in fresh_makemessages.rglob("*.po"))

    assert catalogues == sorted([ours, *(p.relative_to(ROOT) for p in VENDOR.glob("*.po"))] + _app_catalogues())
    for path in catalogues:
        if path != ours:
            assert (fresh_makemessages / path).read_text() == (ROOT / path).read_text(), path


def _app_catalogues():
    return [p.relative_to(ROOT) for name in SOURCES for p in (ROOT / name).rglob("*.po")]


def test_no_model_change_lacks_a_migration(db):
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_interval_schedule_name_uses_the_time_unit_not_the_meeting_minutes():
    """Our "Minutes" (of a meeting, "Verbale") once overrode the library's time unit."""
    with translation.override("it"):
        assert str(IntervalSchedule(every=2, period=IntervalSchedule.MINUTES)) == "ogni 2 minuti"


def test_every_model_and_field_of_ours_has_a_translated_name():
    """Without one Django makes up an English name ("Created by", "poll reminder") for the admin."""
    unnamed = []
    for label in (name for name in SOURCES if name != "templates"):
        for model in apps.get_app_config(label).get_models():
            if not isinstance(model._meta.verbose_name, Promise):
                unnamed.append(model._meta.label)
            unnamed += [
                f"{model._meta.label}.{field.name}"
                for field in model._meta.get_fields()
                if field.concrete and not field.auto_created and not isinstance(field.verbose_name, Promise)
            ]

    assert unnamed == []
