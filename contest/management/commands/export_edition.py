"""`manage.py export_edition 2025 --output gnt2025.zip`: write a closed edition's archive to a file."""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from contest.models import ContestPage
from contest.services.archive import ArchiveError, export_edition


class Command(BaseCommand):
    help = "Write the archive (ZIP) of an edition whose results are released; --force archives any edition."

    def add_arguments(self, parser):
        parser.add_argument("edition", help="The edition's slug or year.")
        parser.add_argument("--output", help="The ZIP file to write (default: luu-tru-<slug>.zip).")
        parser.add_argument("--force", action="store_true", help="Archive an edition whose results are not released.")

    def handle(self, *args, edition, output=None, force=False, **options):
        query = Q(slug=edition) | (Q(year=int(edition)) if edition.isdigit() else Q(pk__in=[]))
        found = list(ContestPage.objects.filter(query)[:2])
        if len(found) != 1:
            raise CommandError(f"Expected one edition matching {edition!r}, found {len(found)}.")
        output = output or f"luu-tru-{found[0].slug}.zip"
        try:
            with open(output, "wb") as target:
                manifest = export_edition(found[0], to=target, require_closed=not force)
        except ArchiveError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{output}: {sum(manifest['counts'].values())} rows, {len(manifest['files'])} files")
