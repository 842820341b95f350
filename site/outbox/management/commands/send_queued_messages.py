"""`manage.py send_queued_messages`: retry e-mails that failed or were left queued; run it from cron every minute."""

from django.core.management.base import BaseCommand

from outbox.services import deliver_due


class Command(BaseCommand):
    help = "Send queued e-mails whose next attempt is due."

    def handle(self, *args, **options):
        results = deliver_due()
        sent = sum(1 for message in results if message and message.status == "sent")
        self.stdout.write(f"{len(results)} due, {sent} sent")
