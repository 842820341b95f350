"""`manage.py clean_private_files`: remove private files no record refers to (left by a crash), once they are old."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from contest.storage import remove_unreferenced_private_files


class Command(BaseCommand):
    help = (
        "Delete files in the private storage that no entry, photo or award record refers to and that are older "
        "than --older-than-hours (default 24), e.g. those a worker killed in the middle of a submission left. "
        "Run daily (cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--older-than-hours", type=float, default=24.0)
        parser.add_argument("--dry-run", action="store_true", help="List the files without deleting them.")

    def handle(self, *args, older_than_hours=24.0, dry_run=False, **options):
        if older_than_hours < 1:
            # Younger files may belong to a submission still being written.
            raise CommandError("--older-than-hours must be at least 1.")
        names = remove_unreferenced_private_files(
            older_than=datetime.timedelta(hours=older_than_hours), dry_run=dry_run
        )
        for name in names:
            self.stdout.write(f"{'would remove' if dry_run else 'removed'} {name}")
        self.stdout.write(f"{len(names)} unreferenced file(s) {'found' if dry_run else 'removed'}.")
