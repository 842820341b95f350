"""The vote confirmation is the write path under load: what one confirmation costs in queries stays bounded."""
# ruff: noqa: F811  (pytest fixtures imported from fixtures_voting are parameters by design)

import datetime

import pytest

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contest.models import Vote, Voter, VoteRequest
from contest.services.voting import keyed_hash

from .fixtures_voting import edition, entries  # noqa: F401

pytestmark = pytest.mark.django_db

CONFIRM = "/cuoc-thi/2025/binh-chon/xac-nhan/"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def pending_request(edition, entry, number):
    """A vote waiting for its link to be followed, as request_vote leaves it (token known to the test)."""
    email = f"docgia{number}@example.vn"
    voter = Voter.objects.create(
        edition=edition, email=email, email_hash=keyed_hash("email", email), email_domain="example.vn"
    )
    VoteRequest.objects.create(
        edition=edition,
        voter=voter,
        entry=entry,
        public_id=f"cost{number}",
        token_hash=keyed_hash("token", f"token-{number}"),
        code_hash=keyed_hash("code", f"cost{number}:000000"),
        expires_at=timezone.now() + datetime.timedelta(minutes=30),
    )
    return f"token-{number}"


def test_a_confirmation_reads_the_voting_rules_once(client, edition, entries):
    client.post(CONFIRM, {"t": pending_request(edition, entries[0], 0)})  # routing caches warm
    token = pending_request(edition, entries[1], 1)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(CONFIRM, {"t": token})
    assert response.status_code == 302
    assert f"gnt_vote_{edition.pk}" in response.cookies
    assert Vote.objects.filter(request__public_id="cost1").count() == 1
    rules_reads = [q["sql"] for q in queries.captured_queries if 'FROM "contest_votingrules"' in q["sql"]]
    assert len(rules_reads) == 1
