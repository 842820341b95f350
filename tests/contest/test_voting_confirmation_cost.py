"""The vote confirmation is the write path under load: what one confirmation costs in queries stays bounded."""
# ruff: noqa: F811  (pytest fixtures imported from fixtures_voting are parameters by design)

import datetime

import pytest

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contest.models import Vote, Voter, VoteRequest, VotingRules
from contest.services.voting import keyed_hash

from .fixtures_voting import edition, entries  # noqa: F401

pytestmark = pytest.mark.django_db

# The link's first address (still in messages already mailed); confirm() gives the plain URL it now carries.
OLD_CONFIRM = "/cuoc-thi/2025/binh-chon/xac-nhan/"


def confirm(edition):
    return f"/xac-nhan-binh-chon/{edition.pk}/"


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


@pytest.mark.parametrize("old_link", [False, True])
def test_a_confirmation_reads_the_voting_rules_with_the_request(client, edition, entries, old_link):
    """The rules come joined to the request's read, never as a query of their own. (A link mailed before the plain
    URL existed is routed through the edition's page, whose one-query fetch joins the rules too.)"""
    url = OLD_CONFIRM if old_link else confirm(edition)
    client.post(url, {"t": pending_request(edition, entries[0], 0)})  # routing caches warm
    token = pending_request(edition, entries[1], 1)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, {"t": token})
    assert response.status_code == 302
    assert f"gnt_vote_{edition.pk}" in response.cookies
    assert Vote.objects.filter(request__public_id="cost1").count() == 1
    rules_reads = [q["sql"] for q in queries.captured_queries if '"contest_votingrules"' in q["sql"]]
    assert not [sql for sql in rules_reads if 'FROM "contest_votingrules"' in sql]
    with_request = [sql for sql in rules_reads if 'FROM "contest_voterequest"' in sql]
    assert len(with_request) == 1
    assert len(rules_reads) == (2 if old_link else 1)


def writes_and_reads(queries):
    """The statements of a confirmation, without the savepoints the test's own transaction adds."""
    return [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]


@pytest.mark.parametrize("earlier_votes", [1, 50])
def test_a_confirmation_costs_five_statements_whatever_the_voters_history(client, edition, entries, earlier_votes):
    """Claim, one read of the request with its edition, rules, voter (locked), entry and candidate, the per-voter
    count, the vote, the voter's confirmation: the same five however many votes the edition already holds."""
    VotingRules.objects.update_or_create(edition=edition, defaults={"max_entries_per_voter": 3})
    for number in range(earlier_votes):
        client.post(confirm(edition), {"t": pending_request(edition, entries[number % len(entries)], 100 + number)})
    token = pending_request(edition, entries[1], 1)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(confirm(edition), {"t": token})
    assert response.status_code == 302
    assert response["Location"] == f"/cuoc-thi/2025/binh-chon/{entries[1].pk}/"
    assert f"gnt_vote_{edition.pk}" in response.cookies
    assert response.cookies[f"gnt_vote_{edition.pk}"]["path"] == "/cuoc-thi/2025/"
    assert Vote.objects.filter(request__public_id="cost1").count() == 1
    assert len(writes_and_reads(queries)) == 5, writes_and_reads(queries)


def test_without_a_per_voter_limit_a_confirmation_takes_four_statements(client, edition, entries):
    VotingRules.objects.update_or_create(edition=edition, defaults={"max_entries_per_voter": 0})
    client.post(confirm(edition), {"t": pending_request(edition, entries[0], 0)})
    token = pending_request(edition, entries[1], 1)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(confirm(edition), {"t": token})
    assert response.status_code == 302
    assert Vote.objects.filter(request__public_id="cost1").count() == 1
    statements = writes_and_reads(queries)
    assert len(statements) == 4, statements
    assert not any("COUNT(" in sql for sql in statements)


def test_the_link_mailed_before_still_confirms_through_the_plain_url(client, edition, entries):
    token = pending_request(edition, entries[0], 0)
    page = client.get(OLD_CONFIRM, {"t": token})
    assert page.status_code == 200
    assert f'action="{confirm(edition)}"'.encode() in page.content
    assert f'value="{token}"'.encode() in page.content
    assert not Vote.objects.exists()  # a mail scanner's GET confirms nothing
    response = client.post(confirm(edition), {"t": token})
    assert response.status_code == 302
    assert Vote.objects.filter(request__public_id="cost0").count() == 1


def test_a_link_confirms_only_under_its_own_edition(client, edition, entries, home_page):
    from .fixtures_voting import make_edition

    other = make_edition(home_page, slug="2026")
    token = pending_request(edition, entries[0], 0)
    response = client.post(confirm(other), {"t": token})
    assert response.status_code == 200
    assert "Liên kết xác nhận không hợp lệ.".encode() in response.content
    assert not Vote.objects.exists()
    assert VoteRequest.objects.get(public_id="cost0").used_at is None  # the claim was rolled back: still usable
    assert client.post(confirm(edition), {"t": token}).status_code == 302
    assert Vote.objects.count() == 1


def test_the_plain_url_of_an_unknown_edition_is_not_found(client):
    assert client.get("/xac-nhan-binh-chon/999999/", {"t": "x"}).status_code == 404
    assert client.post("/xac-nhan-binh-chon/999999/", {"t": "x"}).status_code == 404


def test_a_second_post_of_the_link_answers_already_and_counts_once(client, edition, entries):
    token = pending_request(edition, entries[0], 0)
    first = client.post(confirm(edition), {"t": token})
    client.cookies.clear()
    again = client.post(confirm(edition), {"t": token})
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"]
    assert f"gnt_vote_{edition.pk}" not in again.cookies  # only a first confirmation starts a session
    assert Vote.objects.count() == 1
