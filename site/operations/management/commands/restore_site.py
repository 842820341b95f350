"""Restore a backup folder into an empty database (DATABASE_URL) and empty media folders."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from operations.backups import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore a backup made by backup_site into an EMPTY database and empty media folders."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="The backup folder, e.g. backups/20251125-210000")

    def handle(self, *args, folder, **options):
        connections["default"].close()
        try:
            restore_backup(
                folder=folder,
                settings_dict=connections["default"].settings_dict,
                media_root=settings.MEDIA_ROOT,
                private_media_root=settings.PRIVATE_MEDIA_ROOT,
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Restored {folder}"))
