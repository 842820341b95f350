"""Back up the database named by DATABASE_URL, media/ and private_media/ into one dated folder."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from operations.backups import BackupError, make_backup


class Command(BaseCommand):
    help = "Back up the database (SQLite or PostgreSQL), public media and private contest files."

    def add_arguments(self, parser):
        parser.add_argument("--output-dir", default="backups", help="Folder that receives one sub-folder per backup.")

    def handle(self, *args, output_dir, **options):
        try:
            folder = make_backup(
                settings_dict=connections["default"].settings_dict,
                media_root=settings.MEDIA_ROOT,
                private_media_root=settings.PRIVATE_MEDIA_ROOT,
                output_dir=output_dir,
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Backup written to {folder}"))
