"""remind_judges: only judges with unfinished sheets in open rounds closing soon get an e-mail."""

import datetime

import pytest

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from contest.models import Assignment, RoundState
from contest.services import judging

from .fixtures_judging import edition_fixture, make_entries, make_judges, make_round  # noqa: F401

pytestmark = pytest.mark.django_db


def test_reminders_go_to_judges_with_unfinished_sheets(edition, django_capture_on_commit_callbacks):
    entries = make_entries(edition, 3)
    done, busy = make_judges(2)
    today = timezone.localdate()
    round = make_round(
        edition,
        judges=[done, busy],
        entries=entries,
        reviews_required=1,
        state=RoundState.OPEN,
        closes_on=today + datetime.timedelta(days=2),
        name="Vòng sơ khảo",
    )
    for entry in entries[:2]:
        judging.add_assignment(round, judge=done, entry=entry)
    judging.add_assignment(round, judge=busy, entry=entries[2])
    for assignment in Assignment.objects.filter(judge=done):
        judging.save_sheet(
            assignment, points={c.pk: 5 for c in round.criteria.all()}, comment="", submit=True, user=done
        )
    later = make_round(
        edition,
        judges=[busy],
        entries=entries,
        order=2,
        state=RoundState.OPEN,
        closes_on=today + datetime.timedelta(days=20),
    )
    judging.add_assignment(later, judge=busy, entry=entries[0])

    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind_judges", "--days", "3")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [busy.email]
    assert message.subject == f"[{edition.title}] Nhắc việc: còn 1 bài chưa chấm ở Vòng sơ khảo"
    assert "0 / 1" not in message.body and "1" in message.body
    assert f"/admin/contest/judging/round/{round.pk}/" in message.body
    assert today.strftime("%d/%m/%Y") not in message.subject
