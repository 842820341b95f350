"""The judging demo: two rounds, five judges, scores on the dashboard; running it twice changes nothing."""

import pytest

from django.contrib.auth.models import User
from django.urls import reverse

from contest import demo_judging
from contest.models import Assignment, Round, RoundState, ScoreSheet
from contest.roles import JURY

from .fixtures_judging import make_organiser

pytestmark = pytest.mark.django_db


def test_demo_judging_is_complete_and_idempotent(home_page, client):
    demo_judging.load()
    counts = (Round.objects.count(), Assignment.objects.count(), ScoreSheet.objects.count())
    demo_judging.load()
    assert (Round.objects.count(), Assignment.objects.count(), ScoreSheet.objects.count()) == counts
    first, second = Round.objects.order_by("order")
    assert first.state == RoundState.OPEN and second.state == RoundState.SET_UP
    assert User.objects.filter(groups__name=JURY).count() == 5
    assert first.round_entries.count() >= 10
    assert Assignment.objects.filter(round=first).count() == first.round_entries.count() * 3
    assert ScoreSheet.objects.filter(assignment__round=first, state="submitted").count() > 10
    client.force_login(make_organiser())
    page = client.get(reverse("contest_judging_dashboard", args=[first.pk]))
    assert page.status_code == 200 and "judging-chart-bar" in page.text
