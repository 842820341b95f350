"""The organisers' side of the vote: audit screens, suspicious patterns, invalidation, the CSV ledger, permissions."""
# ruff: noqa: F811  (pytest fixtures imported from fixtures_voting are parameters by design)

import csv
import datetime
import io

import pytest

from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wagtail.models import ModelLogEntry

from contest.admin.voting import sliding_bursts, suspicious_patterns
from contest.models import Vote, Voter, VotingCandidate
from contest.roles import JURY, ORGANISERS
from contest.services import voting

from .fixtures_voting import edition, entries, make_entry  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


def member_of(group_name, username):
    user = User.objects.create_user(username, password="x" * 12)
    user.groups.add(Group.objects.get(name=group_name))
    return user


def add_votes(edition, entry, count, *, network_ip="10.1.1.", agent="Mozilla/5.0", domain="example.vn", start=0):
    votes = []
    for number in range(start, start + count):
        voter = Voter.objects.create(
            edition=edition,
            email=f"v{number}@{domain}",
            email_hash=f"h{number}",
            email_domain=domain,
            confirmed_at=timezone.now(),
        )
        votes.append(
            voting.vote_in_session(
                edition=edition, voter=voter, entry=entry, ip=f"{network_ip}{number % 250}", user_agent=agent
            )
        )
    return votes


def test_organiser_sees_the_audit_and_a_judge_does_not(client, edition, entries):
    add_votes(edition, entries[0], 3)
    organiser = member_of(ORGANISERS, "btc")
    judge = member_of(JURY, "bgk")
    client.force_login(judge)
    # Wagtail's admin turns a refusal into a redirect to the dashboard with an error message.
    for name in ("contest_voting_audit", "contest_voting_ledger", "contest_voting_ledger_csv"):
        response = client.get(reverse(name, args=[edition.pk]))
        assert (response.status_code, response["Location"]) == (302, "/admin/")
    client.force_login(organiser)
    response = client.get(reverse("contest_voting_audit", args=[edition.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "<svg" in text and "<polyline" in text
    assert "Giải do bạn đọc bình chọn" in text
    assert client.get(reverse("contest_voting_overview")).status_code == 200


def test_suspicious_patterns_find_networks_domains_and_agents(edition, entries, settings):
    settings.VOTE_AUDIT_NETWORK_VOTES = 5
    settings.VOTE_AUDIT_DOMAIN_VOTERS = 5
    settings.VOTE_AUDIT_AGENT_VOTERS = 5
    add_votes(edition, entries[0], 6, network_ip="203.0.113.", agent="BotAgent/1.0", domain="lo-ai.vn")
    for number, entry in enumerate(entries[1:4]):
        add_votes(edition, entry, 1, network_ip=f"198.51.{number}.", agent=f"Agent {number}", start=100 + number)
    patterns = suspicious_patterns(edition)
    assert [item["count"] for item in patterns["networks"]] == [6]
    assert patterns["networks"][0]["key"] == voting.keyed_hash("network", "203.0.113.0/24")
    assert [(item["key"], item["count"]) for item in patterns["domains"]] == [("lo-ai.vn", 6)]
    assert [item["voters"] for item in patterns["agents"]] == [6]


def test_sliding_bursts_only_flag_dense_windows():
    now = timezone.now()
    spread = [("a", now + datetime.timedelta(minutes=20 * n)) for n in range(5)]
    dense = [("b", now + datetime.timedelta(seconds=30 * n)) for n in range(5)]
    found = sliding_bursts(spread + dense, threshold=4, minutes=10)
    assert [(item["key"], item["count"]) for item in found] == [("b", 5)]


def test_bulk_invalidation_needs_a_reason_and_is_logged(client, edition, entries, django_capture_on_commit_callbacks):
    votes = add_votes(edition, entries[0], 4)
    client.force_login(member_of(ORGANISERS, "btc"))
    url = reverse("contest_voting_ledger", args=[edition.pk])
    response = client.post(url, {"votes": [votes[0].pk, votes[1].pk], "reason": ""})
    assert response.status_code == 200
    assert "Hãy nêu lý do" in response.content.decode()
    assert Vote.objects.filter(is_valid=True).count() == 4

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"votes": [votes[0].pk, votes[1].pk], "reason": "Cùng mạng, cùng phút"})
    assert response.status_code == 302
    assert Vote.objects.filter(is_valid=True).count() == 2
    assert Vote.objects.count() == 4
    assert ModelLogEntry.objects.filter(action="contest.vote.invalidated").count() == 2
    assert voting.vote_counts(edition)[entries[0].pk] == 2

    # Everything matching a filter: the remaining valid votes of this entry.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{url}?entry={entries[0].pk}", {"everything_filtered": "on", "reason": "Bot"})
    assert Vote.objects.filter(is_valid=True).count() == 0
    assert entries[0].pk not in voting.vote_counts(edition)


def test_ledger_csv_lists_every_vote_including_invalidated_ones(client, edition, entries, admin_user):
    votes = add_votes(edition, entries[0], 3)
    voting.invalidate_votes(vote_ids=[votes[1].pk], user=admin_user, reason="Trùng lặp")
    client.force_login(admin_user)
    response = client.get(reverse("contest_voting_ledger_csv", args=[edition.pk]))
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content)))
    assert [int(row["vote_id"]) for row in rows] == [vote.pk for vote in votes]
    invalid = rows[1]
    assert invalid["is_valid"] == "0" and invalid["invalidation_reason"] == "Trùng lặp"
    assert invalid["invalidated_by"] == admin_user.username
    # No raw address in the ledger: a pseudonymous voter id and the domain.
    assert "@" not in content
    assert "10.1.1." not in content


def test_ledger_has_a_fixed_number_of_queries(client, edition, entries, admin_user):
    client.force_login(admin_user)
    url = reverse("contest_voting_ledger", args=[edition.pk])
    add_votes(edition, entries[0], 1)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    add_votes(edition, entries[1], 49, start=1)
    with CaptureQueriesContext(connection) as fifty:
        response = client.get(url)
    assert response.content.decode().count('name="votes"') == 50
    assert len(fifty) == len(one)


def test_finalists_button_opens_them_to_the_vote(client, edition, admin_user):
    finalist = make_entry(edition, 7, open_to_vote=False)
    client.force_login(admin_user)
    response = client.post(reverse("contest_voting_open_finalists", args=[edition.pk]))
    assert response.status_code == 302
    assert VotingCandidate.objects.filter(entry=finalist, is_open_to_vote=True).exists()


def test_candidate_must_belong_to_the_edition_and_consent(edition, home_page):
    from django.core.exceptions import ValidationError

    from .fixtures_voting import make_edition

    other = make_edition(home_page, slug="2023")
    stranger = make_entry(other, 1, open_to_vote=False)
    with pytest.raises(ValidationError, match="cuộc thi năm khác"):
        VotingCandidate(edition=edition, entry=stranger).full_clean()
    unconsented = make_entry(edition, 2, open_to_vote=False)
    unconsented.consents_to_publication = False
    unconsented.save()
    with pytest.raises(ValidationError, match="chưa đồng ý công bố"):
        VotingCandidate(edition=edition, entry=unconsented).full_clean()


def test_rules_and_candidates_screens_are_for_organisers(client, edition):
    url = reverse("contest_voting_rules:edit", args=[edition.voting_rules.pk])
    client.force_login(member_of(JURY, "bgk"))
    assert client.get(url).status_code in (302, 403)
    client.force_login(member_of(ORGANISERS, "btc"))
    assert client.get(url).status_code == 200
    assert client.get(reverse("contest_voting_candidates:index")).status_code == 200
