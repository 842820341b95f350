"""Every screen string of ours has its Vietnamese text, in the committed catalogue and in the code as it stands."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
PROJECT_CATALOGUE = ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.po"
SOURCE_DIRS = ["site", "templates", "exemplar_pages", "contest"]


def untranslated(po):
    return [entry.msgid for entry in po if not entry.obsolete and (not entry.translated() or "fuzzy" in entry.flags)]


@pytest.mark.parametrize("path", sorted((ROOT / "locale").glob("**/vi/LC_MESSAGES/*.po")), ids=str)
def test_committed_catalogues_are_complete(path):
    po = polib.pofile(str(path))
    assert untranslated(po) == []


def test_every_string_in_the_code_is_in_the_catalogue(tmp_path):
    """Extract the strings afresh (GNU gettext) from a copy of the code; each must have a translation."""
    if not shutil.which("xgettext"):
        pytest.skip("GNU gettext (xgettext) is not installed; .ci/run installs it")
    for name in SOURCE_DIRS:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    shutil.copytree(ROOT / "locale", tmp_path / "locale", ignore=shutil.ignore_patterns("*.mo"))
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "vi", "--no-obsolete", "--add-location=never"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={"DJANGO_SETTINGS_MODULE": "config.settings.test", "PATH": "/usr/bin:/bin:/usr/local/bin"},
    )
    assert result.returncode == 0, result.stderr
    fresh = polib.pofile(str(tmp_path / "locale" / "vi" / "LC_MESSAGES" / "django.po"))
    assert untranslated(fresh) == [], "run `make messages` and translate the new strings in locale/vi"
