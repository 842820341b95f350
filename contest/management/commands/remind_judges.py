"""`manage.py remind_judges`: e-mail each judge who still has unfinished score sheets in a round closing soon."""

import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from contest import messages
from contest.models import Round, RoundState, SheetState
from contest.services.judging import judge_name, judging_queue_url
from outbox.services import queue_message


class Command(BaseCommand):
    help = "E-mail judges with unfinished assignments in open rounds that close within the given number of days."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=3, help="Remind about rounds closing within this many days.")
        parser.add_argument("--dry-run", action="store_true", help="Only list who would be reminded.")

    def handle(self, *args, days, dry_run, **options):
        today = timezone.localdate()
        rounds = Round.objects.select_related("edition").filter(
            state=RoundState.OPEN, closes_on__gte=today, closes_on__lte=today + datetime.timedelta(days=days)
        )
        sent = 0
        for round in rounds:
            in_round = Q(assignments__round=round)
            # Counts only, never an entry: the reminder must not reveal who wrote what (blind judging).
            judges = (
                get_user_model()
                .objects.exclude(email="")
                .annotate(
                    total=Count("assignments", filter=in_round),
                    unfinished=Count(
                        "assignments", filter=in_round & ~Q(assignments__sheet__state=SheetState.SUBMITTED)
                    ),
                )
                .filter(unfinished__gt=0)
                .order_by("pk")
            )
            link = judging_queue_url(round)
            for judge in judges:
                if dry_run:
                    self.stdout.write(f"{judge.email}: {judge.unfinished} ({round})")
                else:
                    # One transaction per reminder: each is queued, then sent (or kept for retry) on its own.
                    with transaction.atomic():
                        queue_message(
                            messages.JUDGE_REMINDER.key,
                            to=judge.email,
                            context={
                                "judge_name": judge_name(judge),
                                "round": round,
                                "edition": round.edition,
                                "remaining": judge.unfinished,
                                "done": judge.total - judge.unfinished,
                                "total": judge.total,
                                "link": link,
                            },
                            related=judge,
                        )
                sent += 1
        self.stdout.write(f"{sent} reminder(s)")
