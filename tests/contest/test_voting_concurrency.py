"""Concurrent confirmations: 50 at once produce exactly one vote (run on SQLite and on PostgreSQL)."""
# ruff: noqa: F811  (pytest fixtures imported from fixtures_voting are parameters by design)

import re
import threading

import pytest

from django.core import mail
from django.db import connection

from contest.models import Vote, VoteRequest
from contest.services import voting
from contest.services.voting import VotingRefused

from .fixtures_voting import edition, entries  # noqa: F401

# Transactional: threads need committed rows. The page tree fixtures restore what a flush removes.
pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 50


def run_together(target, arguments):
    """Start every call at the same moment (a barrier), each thread on its own connection; collect outcomes."""
    barrier = threading.Barrier(len(arguments))
    outcomes, lock = [], threading.Lock()

    def worker(argument):
        try:
            barrier.wait()
            result = target(argument)
        except VotingRefused as refusal:
            result = refusal.code
        except Exception as error:  # noqa: BLE001 - reported below, the test fails on it
            result = error
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=worker, args=(argument,)) for argument in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def request(edition, entry, email):
    voting.request_vote(edition=edition, entry=entry, email=email, ip="10.0.0.1", user_agent="UA", confirm_url="x")
    body = mail.outbox[-1].body
    return re.search(r"\?t=(\S+)", body).group(1), re.search(r"\b(\d{6})\b", body).group(1)


def test_fifty_concurrent_confirmations_of_one_link_make_one_vote(edition, entries):
    token, _code = request(edition, entries[0], "ban.doc@example.vn")
    outcomes = run_together(lambda _: voting.confirm_by_token(token=token), range(THREADS))
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert errors == []
    assert Vote.objects.count() == 1
    confirmations = [o for o in outcomes if isinstance(o, voting.Confirmation)]
    assert len(confirmations) == THREADS
    assert sum(not c.already for c in confirmations) == 1
    assert {c.vote.pk for c in confirmations} == {Vote.objects.get().pk}


def test_fifty_requests_for_the_same_vote_confirmed_at_once_make_one_vote(edition, entries):
    tokens = [request(edition, entries[0], f"Ban.Doc+{n}@gmail.com")[0] for n in range(THREADS)]
    assert VoteRequest.objects.count() == THREADS
    outcomes = run_together(lambda token: voting.confirm_by_token(token=token), tokens)
    assert [o for o in outcomes if isinstance(o, Exception)] == []
    assert Vote.objects.count() == 1
    assert sorted(o for o in outcomes if isinstance(o, str)) == ["already_voted"] * (THREADS - 1)


def test_fifty_concurrent_codes_make_one_vote(edition, entries):
    token, code = request(edition, entries[0], "ban.doc@example.vn")
    public_id = VoteRequest.objects.get().public_id
    outcomes = run_together(lambda _: voting.confirm_by_code(public_id=public_id, code=code), range(THREADS))
    assert [o for o in outcomes if isinstance(o, Exception)] == []
    assert Vote.objects.count() == 1


def test_concurrent_votes_for_many_entries_respect_the_limit(edition, entries):
    """A confirmed voter firing at every entry at once gets at most max_entries_per_voter votes."""
    edition.voting_rules.max_entries_per_voter = 2
    edition.voting_rules.save()
    token, _code = request(edition, entries[0], "ban.doc@example.vn")
    voter = voting.confirm_by_token(token=token).voter
    targets = [entry for entry in entries[1:] for _ in range(10)]
    outcomes = run_together(
        lambda entry: voting.vote_in_session(edition=edition, voter=voter, entry=entry, ip="10.0.0.1", user_agent="UA"),
        targets,
    )
    assert [o for o in outcomes if isinstance(o, Exception)] == []
    assert Vote.objects.filter(voter=voter).count() == 2
    assert Vote.objects.filter(voter=voter).values("entry").distinct().count() == 2
