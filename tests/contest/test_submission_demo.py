"""The contest demo: two editions (2023 at results, 2025 open now) with entries, loaded once however often it runs."""

import pytest

from contest import demo
from contest.models import ContestPage, Entry, Phase
from contest.statuses import EntryStatus
from home.demo import ensure_site

from .fixtures_submission import *  # noqa: F403

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clean_slate")]


def test_demo_loads_two_editions_once(client):
    ensure_site()
    demo.load()
    demo.load()
    past, current = ContestPage.objects.get(year=2023), ContestPage.objects.get(year=2025)
    assert past.phase() == Phase.RESULTS
    assert current.phase() == Phase.SUBMISSION
    assert Entry.objects.filter(edition=current).count() == 60
    assert Entry.objects.filter(edition=past, status=EntryStatus.AWARDED).exists()
    assert all(entry.photos.exists() for entry in Entry.objects.filter(edition=current)[:5])
    home = client.get("/").content.decode()
    assert current.title in home and "Gửi bài dự thi" in home
    assert client.get("/cuoc-thi/2025/gui-bai/").status_code == 200
