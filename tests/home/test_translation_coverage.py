"""`manage.py translation_coverage`: per-catalogue coverage of what the site can show, and the threshold."""

from io import StringIO
from pathlib import Path

import polib
import pytest

from django.core.management import CommandError, call_command
from django.test import override_settings

import wagtail

WAGTAIL = Path(wagtail.__file__).resolve().parent
ADMIN_LOCALE = WAGTAIL / "admin" / "locale"


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogues():
    """The command reads what the site runs on: compiled catalogues (compile_translations skips fresh ones)."""
    call_command("compile_translations", stdout=StringIO())


def run(*args):
    out = StringIO()
    call_command("translation_coverage", *args, stdout=out)
    return out.getvalue()


def rows(output):
    """{catalogue: (translated, total, percent)} from the command's table."""
    table = {}
    for line in output.splitlines():
        if line.startswith(" "):
            continue
        name, counts, percent = line.split()
        translated, total = counts.split("/")
        table[name] = (int(translated), int(total), float(percent.rstrip("%")))
    return table


def wagtail_own_translated(domain):
    """How many of Wagtail's English admin msgids its own Vietnamese catalogue translates (no project help)."""
    english = polib.pofile(str(ADMIN_LOCALE / "en" / "LC_MESSAGES" / f"{domain}.po"))
    own = {
        (e.msgctxt, e.msgid)
        for e in polib.pofile(str(ADMIN_LOCALE / "vi" / "LC_MESSAGES" / f"{domain}.po"))
        if e.translated() and "fuzzy" not in e.flags
    }
    return sum(1 for e in english if not e.obsolete and (e.msgctxt, e.msgid) in own), len(english)


def test_reports_every_wagtail_catalogue_we_use_and_ours_above_the_goal():
    table = rows(run("--min", "95"))
    for name in [
        "wagtail.admin:django",
        "wagtail.admin:djangojs",
        "wagtail:django",
        "wagtail.images:django",
        "wagtail.documents:django",
        "wagtail.snippets:django",
        "wagtail.users:django",
        "wagtail.contrib.forms:django",
        "wagtail.contrib.settings:django",
        "wagtail.contrib.redirects:django",
        "project:django",
    ]:
        translated, total, percent = table[name]
        assert total > 0
        assert percent >= 95, name
    assert table["project:django"][2] == 100
    # The English catalogue is the measure: every admin msgid Wagtail ships is counted.
    assert table["wagtail.admin:django"][1] == wagtail_own_translated("django")[1]


@override_settings(LOCALE_PATHS=[])
def test_without_our_catalogues_the_admin_falls_below_the_threshold_and_the_command_fails():
    own_translated, total = wagtail_own_translated("django")
    out = StringIO()
    with pytest.raises(CommandError, match=r"below 95%: wagtail\.admin:django"):
        call_command("translation_coverage", "--min", "95", "--catalogue", "wagtail.admin", stdout=out)
    table = rows(out.getvalue())
    # What is left is Wagtail's own Vietnamese (plus the odd string another installed catalogue happens to share).
    translated, counted, percent = table["wagtail.admin:django"]
    assert counted == total
    assert own_translated <= translated < 0.95 * total
    js_translated, js_total, _ = table["wagtail.admin:djangojs"]
    assert (js_translated, js_total) == wagtail_own_translated("djangojs")


@override_settings(LOCALE_PATHS=[])
def test_missing_lists_the_untranslated_strings():
    english = polib.pofile(str(ADMIN_LOCALE / "en" / "LC_MESSAGES" / "djangojs.po"))
    own = {e.msgid for e in polib.pofile(str(ADMIN_LOCALE / "vi" / "LC_MESSAGES" / "djangojs.po")) if e.translated()}
    untranslated = [e.msgid for e in english if e.msgid not in own]
    output = run("--catalogue", "wagtail.admin:djangojs", "--missing")
    for msgid in untranslated:
        assert f"missing: {msgid!r}" in output
    assert "wagtail.admin:django " not in output


def test_catalogue_filter_and_unknown_name():
    assert set(rows(run("--catalogue", "project"))) == {"project:django", "all"}
    with pytest.raises(CommandError, match="no catalogue named nonsense"):
        run("--catalogue", "nonsense")


def test_refuses_to_measure_stale_compiled_catalogues(tmp_path):
    """A .po edited but not compiled would make the numbers lie about the running site."""
    po_path = tmp_path / "vi" / "LC_MESSAGES" / "django.po"
    po_path.parent.mkdir(parents=True)
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    po.append(polib.POEntry(msgid="Images", msgstr="Hình ảnh"))
    po.save(str(po_path))
    with override_settings(LOCALE_PATHS=[tmp_path]), pytest.raises(CommandError, match="compile_translations"):
        run()


def load_sync_script():
    import importlib.util

    path = Path(__file__).resolve().parents[2] / "locale" / "wagtail" / "sync.py"
    spec = importlib.util.spec_from_file_location("wagtail_catalogue_sync", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_po(path, entries):
    path.parent.mkdir(parents=True, exist_ok=True)
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    for entry in entries:
        po.append(entry)
    po.save(str(path))
    return path


@pytest.mark.parametrize("gaps_only", [False, True])
def test_sync_keeps_ours_falls_back_to_the_package_and_drops_what_is_gone(tmp_path, gaps_only):
    sync = load_sync_script()
    english = write_po(
        tmp_path / "en.po",
        [
            polib.POEntry(msgid="Images", msgstr=""),
            polib.POEntry(msgid="Publish", msgstr=""),
            polib.POEntry(msgid="Upload", msgstr=""),
            polib.POEntry(msgid="%(n)s page", msgid_plural="%(n)s pages", msgstr_plural={0: "", 1: ""}),
        ],
    )
    theirs = write_po(
        tmp_path / "vi.po",
        [polib.POEntry(msgid="Images", msgstr="Ảnh"), polib.POEntry(msgid="Publish", msgstr="Đăng")],
    )
    ours = write_po(
        tmp_path / "ours" / "django.po",
        [polib.POEntry(msgid="Images", msgstr="Hình ảnh"), polib.POEntry(msgid="Gone", msgstr="Đã bỏ")],
    )
    translated, total = sync.sync_one(english, theirs, ours, gaps_only=gaps_only)
    result = {entry.msgid: entry for entry in polib.pofile(str(ours))}
    assert "Gone" not in result
    assert result["Upload"].msgstr == ""  # left for a translator
    assert result["%(n)s page"].msgstr_plural == {0: ""}  # Vietnamese: one plural form
    if gaps_only:
        # Only what the package's own Vietnamese lacks is kept.
        assert set(result) == {"Upload", "%(n)s page"}
        assert (translated, total) == (0, 2)
    else:
        assert result["Images"].msgstr == "Hình ảnh"  # ours wins
        assert result["Publish"].msgstr == "Đăng"  # the package's own, until we override it
        assert (translated, total) == (2, 4)
