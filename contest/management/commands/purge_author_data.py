"""`manage.py purge_author_data`: remove authors' contact data once an edition's retention period is over."""

from django.core.management.base import BaseCommand, CommandError

from contest.services.privacy import author_retention_days, editions, purge_author_data


class Command(BaseCommand):
    help = (
        "Remove authors' phone, e-mail, address, birth year and workplace for editions closed longer ago than the "
        "retention period (CONTEST_AUTHOR_RETENTION_DAYS, or --older-than-days); published stories, prizes and "
        "counts stay. Recorded in the audit log. Run daily (cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--edition", type=int, help="Only this edition (its year).")
        parser.add_argument("--older-than-days", type=int, help="Retention period in days after the edition closed.")

    def handle(self, *args, edition=None, older_than_days=None, **options):
        days = author_retention_days() if older_than_days is None else older_than_days
        if days < 0:
            raise CommandError("--older-than-days must not be negative.")
        selected = list(editions(edition))
        if edition is not None and not selected:
            raise CommandError(f"No edition of year {edition}.")
        for contest in selected:
            purged = purge_author_data(edition=contest, older_than_days=days)
            if purged is None:
                self.stdout.write(f"{contest}: still within {days} days of closing, kept")
            else:
                self.stdout.write(f"{contest}: contact data removed from {purged} entries")
