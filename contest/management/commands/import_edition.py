"""`manage.py import_edition gnt2025.zip`: restore an edition's archive into this site (all or nothing)."""

from django.core.management.base import BaseCommand, CommandError

from contest.services.archive import ArchiveError, import_edition


class Command(BaseCommand):
    help = "Restore an edition from its archive (ZIP) into a site that does not have it."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The ZIP file written by export_edition or the admin.")

    def handle(self, *args, archive, **options):
        try:
            with open(archive, "rb") as source:
                edition = import_edition(source)
        except (ArchiveError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{edition.title}: restored at {edition.url_path}")
