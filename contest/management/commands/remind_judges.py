"""`manage.py remind_judges`: e-mail each judge who still has unfinished score sheets in a round closing soon."""

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from contest.models import Assignment, Round, RoundState, SheetState


class Command(BaseCommand):
    help = "E-mail judges with unfinished assignments in open rounds that close within the given number of days."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=3, help="Remind about rounds closing within this many days.")
        parser.add_argument("--dry-run", action="store_true", help="Only list who would be reminded.")

    def handle(self, *args, days, dry_run, **options):
        translation.activate(settings.LANGUAGE_CODE)
        today = timezone.localdate()
        rounds = Round.objects.select_related("edition").filter(
            state=RoundState.OPEN, closes_on__gte=today, closes_on__lte=today + datetime.timedelta(days=days)
        )
        sent = 0
        for round in rounds:
            pending = (
                Assignment.objects.filter(round=round)
                .values("judge_id", "judge__email", "judge__first_name", "judge__last_name", "judge__username")
                .annotate(
                    total=Count("pk"),
                    unfinished=Count("pk", filter=~Q(sheet__state=SheetState.SUBMITTED)),
                )
                .filter(unfinished__gt=0)
                .order_by("judge_id")
            )
            url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("contest_judging_queue", args=[round.pk])
            for row in pending:
                if not row["judge__email"]:
                    continue
                name = (
                    " ".join(filter(None, [row["judge__first_name"], row["judge__last_name"]]))
                    or row["judge__username"]
                )
                subject = _("Reminder: %(count)s entries still to score in %(round)s") % {
                    "count": row["unfinished"],
                    "round": round.name,
                }
                body = _(
                    "Dear %(name)s,\n\n%(round)s (%(edition)s) closes on %(date)s. You have submitted %(done)s of "
                    "%(total)s score sheets; %(count)s remain.\n\nYour queue: %(url)s\n"
                ) % {
                    "name": name,
                    "round": round.name,
                    "edition": round.edition.title,
                    "date": round.closes_on.strftime("%d/%m/%Y"),
                    "done": row["total"] - row["unfinished"],
                    "total": row["total"],
                    "count": row["unfinished"],
                    "url": url,
                }
                if dry_run:
                    self.stdout.write(f"{row['judge__email']}: {row['unfinished']} ({round})")
                else:
                    send_mail(subject, body, None, [row["judge__email"]])
                sent += 1
        self.stdout.write(f"{sent} reminder(s)")
