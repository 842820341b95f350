"""`manage.py translation_coverage`: how much of what the site can show has a Vietnamese translation, per catalogue."""

from dataclasses import dataclass, field
from pathlib import Path

import polib

import django
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import trans_real

LANGUAGE = "vi"
PROJECT = "project"
CONTEXT_SEPARATOR = "\x04"
# Apps besides Wagtail's whose strings the admin shows: form errors, password rules, "5 phút trước", tags.
OTHER_APPS = {"django.contrib.auth", "django.contrib.contenttypes", "django.contrib.humanize", "taggit"}


@dataclass
class Coverage:
    name: str
    total: int = 0
    missing: list[str] = field(default_factory=list)

    @property
    def translated(self) -> int:
        return self.total - len(self.missing)

    @property
    def percent(self) -> float:
        return 100.0 if self.total == 0 else 100.0 * self.translated / self.total


def runtime_catalogue(domain: str, app_locale: Path | None):
    """The merged Vietnamese catalogue the running site uses for `domain`: our LOCALE_PATHS and the apps' own."""
    if domain == "django":
        return trans_real.translation(LANGUAGE)._catalog
    # The admin's JavaScript catalogue is built like Django's JavaScriptCatalog view: the package's locale
    # folder plus every LOCALE_PATHS folder.
    return trans_real.DjangoTranslation(LANGUAGE, domain=domain, localedirs=[str(app_locale)])._catalog


def is_translated(catalogue, entry: polib.POEntry) -> bool:
    key = f"{entry.msgctxt}{CONTEXT_SEPARATOR}{entry.msgid}" if entry.msgctxt else entry.msgid
    if entry.msgid_plural:
        # Vietnamese has one plural form; gettext keeps it under (msgid, 0).
        return bool(catalogue.get((key, 0)))
    return bool(catalogue.get(key))


def package_catalogues():
    """(name, English .po, locale folder) for each catalogue of others the admin shows: every installed Wagtail
    app's (django and djangojs domains), and the django domain of Django itself and of OTHER_APPS."""
    yield "django:django", Path(django.__file__).parent / "conf" / "locale" / "en" / "LC_MESSAGES" / "django.po", None
    for app_config in apps.get_app_configs():
        is_wagtail = app_config.name == "wagtail" or app_config.name.startswith("wagtail.")
        if not is_wagtail and app_config.name not in OTHER_APPS:
            continue
        locale = Path(app_config.path) / "locale"
        for english in sorted((locale / "en" / "LC_MESSAGES").glob("*.po")):
            if is_wagtail or english.stem == "django":
                yield f"{app_config.name}:{english.stem}", english, locale


def measure_package(name: str, english: Path, locale: Path | None) -> Coverage:
    catalogue = runtime_catalogue(english.stem, locale)
    coverage = Coverage(name)
    for entry in polib.pofile(str(english)):
        if entry.obsolete:
            continue
        coverage.total += 1
        if not is_translated(catalogue, entry):
            coverage.missing.append(entry.msgid)
    return coverage


def measure_project(po_path: Path) -> Coverage:
    """Our own strings: the catalogue makemessages extracts from our code (tests/home/test_translations.py keeps
    it in step with the code)."""
    coverage = Coverage(f"{PROJECT}:{po_path.stem}")
    for entry in polib.pofile(str(po_path)):
        if entry.obsolete:
            continue
        coverage.total += 1
        if not entry.translated() or "fuzzy" in entry.flags:
            coverage.missing.append(entry.msgid)
    return coverage


def stale_compiled_catalogues() -> list[Path]:
    stale = []
    for locale_path in settings.LOCALE_PATHS:
        for po_path in Path(locale_path).glob(f"{LANGUAGE}/LC_MESSAGES/*.po"):
            mo_path = po_path.with_suffix(".mo")
            if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
                stale.append(po_path)
    return sorted(stale)


class Command(BaseCommand):
    help = (
        "Print, per catalogue (each Wagtail app's django and djangojs domains, Django's, and ours), how many of "
        "the strings the site can show have a Vietnamese translation; exit non-zero when one is below --min."
    )

    def add_arguments(self, parser):
        parser.add_argument("--min", type=float, default=0.0, help="Lowest acceptable percentage per catalogue.")
        parser.add_argument(
            "--catalogue",
            action="append",
            default=[],
            metavar="NAME",
            help="Only this catalogue: 'project', 'wagtail.admin' or 'wagtail.admin:djangojs' (repeatable).",
        )
        parser.add_argument("--missing", action="store_true", help="List the untranslated msgids.")

    def handle(self, *args, **options):
        stale = stale_compiled_catalogues()
        if stale:
            names = ", ".join(str(path) for path in stale)
            raise CommandError(
                f"compiled catalogues are missing or older than their .po: {names}; "
                "run `manage.py compile_translations` first"
            )
        results = [measure_package(*spec) for spec in package_catalogues()]
        project_locale = Path(settings.BASE_DIR) / "locale" / LANGUAGE / "LC_MESSAGES"
        results += [measure_project(po) for po in sorted(project_locale.glob("*.po"))]
        wanted = options["catalogue"]
        if wanted:
            results = [r for r in results if r.name in wanted or r.name.split(":")[0] in wanted]
            if not results:
                raise CommandError(f"no catalogue named {', '.join(wanted)}")

        width = max(len(r.name) for r in results)
        for result in results:
            counts = f"{result.translated:>5}/{result.total:<5}"
            self.stdout.write(f"{result.name:<{width}}  {counts}  {result.percent:6.2f}%")
            if options["missing"]:
                for msgid in result.missing:
                    self.stdout.write(f"    missing: {msgid!r}")
        total = sum(r.total for r in results)
        translated = sum(r.translated for r in results)
        overall = 100.0 if total == 0 else 100.0 * translated / total
        self.stdout.write(f"{'all':<{width}}  {translated:>5}/{total:<5}  {overall:6.2f}%")

        below = [r for r in results if r.percent < options["min"]]
        if below:
            names = ", ".join(f"{r.name} ({r.percent:.2f}%)" for r in below)
            raise CommandError(f"below {options['min']:g}%: {names}")
