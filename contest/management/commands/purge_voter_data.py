"""`manage.py purge_voter_data`: remove voters' personal data once an edition's retention period is over."""

from django.core.management.base import BaseCommand

from contest.services.voting import editions_past_retention, purge_voter_data


class Command(BaseCommand):
    help = (
        "Remove voters' e-mail addresses, network and browser hashes and pending requests for editions whose "
        "voting closed longer ago than their retention period; votes and counts stay. Run daily (cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List the editions that would be purged.")

    def handle(self, *args, dry_run=False, **options):
        for edition in editions_past_retention():
            if dry_run:
                self.stdout.write(f"{edition}: would be purged")
                continue
            voters, votes, requests = purge_voter_data(edition=edition)
            self.stdout.write(f"{edition}: {voters} voters, {votes} votes scrubbed, {requests} requests deleted")
