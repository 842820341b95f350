"""Benchmark: rank a round of 1,000 entries × 7 judges × 5 criteria, and render a judge's queue of 300 entries.

Run: `.venv/bin/python bench/judging_bench.py` (a throwaway test database, SQLite by default or DATABASE_URL).
Prints timings and query counts; `run()` is what the tiny-scale smoke test in tests/ calls.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for folder in (ROOT, ROOT / "site"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")


def build(*, entries, judges, criteria, queue):
    """Bulk-build an edition, a fully scored round and a second round holding one judge's long queue."""
    import datetime
    from decimal import Decimal

    from django.contrib.auth.models import Group, User
    from django.utils import timezone

    from wagtail.models import Page

    from contest.models import (
        Assignment,
        ContestIndexPage,
        ContestPage,
        Criterion,
        EditionGenre,
        Entry,
        Round,
        RoundEntry,
        Score,
        ScoreSheet,
    )
    from contest.roles import JURY
    from exemplar_pages.models import Locality

    tag = f"{time.time_ns() % 10**12:012d}"  # lets several runs share one database (the smoke test runs twice)
    root = Page.get_first_root_node()
    index = root.add_child(instance=ContestIndexPage(title="Cuộc thi (bench)", slug=f"bench-{tag}"))
    now = timezone.now()
    edition = index.add_child(
        instance=ContestPage(
            title="Bench",
            slug="bench",
            year=2099,
            code_prefix="BENCH",
            submissions_open=now - datetime.timedelta(days=30),
            submissions_close=now - datetime.timedelta(days=1),
        )
    )
    genre = EditionGenre.objects.create(edition=edition, name="Ký", max_words=1600)
    locality = Locality.objects.create(name="Bench", kind=Locality.Kind.WARD)
    total_entries = max(entries, queue)
    rows = Entry.objects.bulk_create(
        [
            Entry(
                edition=edition,
                receipt_number=n,
                code=f"BENCH-{n:04d}",
                status="eligible",
                author_name=f"Tác giả {n}",
                author_birth_year=1980,
                author_phone="0900000000",
                author_email=f"a{n}@example.vn",
                author_address="Tây Ninh",
                subject_kind="individual",
                subject_name=f"Nhân vật {n}",
                subject_locality=locality,
                subject_address="Tây Ninh",
                subject_contact="0900000000",
                title=f"Bài viết {n}",
                genre=genre,
                body="Nội dung " * 50,
                word_count=100,
                text_hash=f"{n:064d}",
                access_token_hash=f"{tag}{n:052d}",
            )
            for n in range(1, total_entries + 1)
        ],
        batch_size=500,
    )
    jury = Group.objects.get(name=JURY)
    User.objects.bulk_create([User(username=f"bench-{tag}-{i}") for i in range(judges + 1)])
    users = list(User.objects.filter(username__startswith=f"bench-{tag}-").order_by("pk"))
    jury.user_set.add(*users)
    panel, reader = users[:judges], users[judges]

    ranked = Round.objects.create(edition=edition, name="Ranked", order=1, reviews_required=judges, state="closed")
    queued = Round.objects.create(edition=edition, name="Queue", order=2, reviews_required=1, state="open")
    for round in (ranked, queued):
        Criterion.objects.bulk_create(
            [
                Criterion(round=round, name=f"Tiêu chí {c}", max_points=10, weight=Decimal(1 + c % 3), sort_order=c)
                for c in range(criteria)
            ]
        )
    ranked.judges.set(panel)
    queued.judges.set([reader])
    RoundEntry.objects.bulk_create([RoundEntry(round=ranked, entry=e) for e in rows[:entries]], batch_size=1000)
    RoundEntry.objects.bulk_create([RoundEntry(round=queued, entry=e) for e in rows[:queue]], batch_size=1000)
    assignments = Assignment.objects.bulk_create(
        [
            Assignment(round=ranked, judge=j, entry=e, position=(e.pk * 7919 + j.pk) % 100003)
            for e in rows[:entries]
            for j in panel
        ]
        + [Assignment(round=queued, judge=reader, entry=e, position=(e.pk * 7919) % 100003) for e in rows[:queue]],
        batch_size=1000,
    )
    assignments = list(Assignment.objects.filter(round__in=[ranked, queued]).order_by("pk"))
    to_score = [a for a in assignments if a.round_id == ranked.pk] + [
        a for a in assignments if a.round_id == queued.pk
    ][::2]
    submitted = now
    ScoreSheet.objects.bulk_create(
        [ScoreSheet(assignment=a, state="submitted", submitted_at=submitted) for a in to_score], batch_size=1000
    )
    sheets = list(ScoreSheet.objects.filter(assignment__round__in=[ranked, queued]).select_related("assignment"))
    criteria_by_round = {r.pk: list(r.criteria.all()) for r in (ranked, queued)}
    Score.objects.bulk_create(
        [
            Score(
                sheet=s,
                criterion=c,
                points=(s.assignment.entry_id * 31 + s.assignment.judge_id * 17 + c.pk * 7) % 11,
                max_points=10,
            )
            for s in sheets
            for c in criteria_by_round[s.assignment.round_id]
        ],
        batch_size=2000,
    )
    return ranked, queued, reader


def _timed(function, repeat=3):
    times = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return result, statistics.median(times)


def run(*, entries=1000, judges=7, criteria=5, queue=300, repeat=3):
    """Build the data, then time the ranking (each method) and the judge's queue view; return the figures."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from contest.models import Aggregation, Score
    from contest.services.judging import rank_round

    started = time.perf_counter()
    ranked, queued, reader = build(entries=entries, judges=judges, criteria=criteria, queue=queue)
    figures = {
        "build_seconds": round(time.perf_counter() - started, 2),
        "entries": entries,
        "judges": judges,
        "criteria": criteria,
        "scores": Score.objects.filter(sheet__assignment__round=ranked).count(),
        "queue_length": queue,
    }
    for method in Aggregation.values:
        with CaptureQueriesContext(connection) as queries:
            ranking, seconds = _timed(lambda method=method: rank_round(ranked, method=method), repeat)
        figures[f"rank_{method}_seconds"] = round(seconds, 4)
        figures[f"rank_{method}_queries"] = len(queries) // repeat
        assert len(ranking.rows) == entries
    client = Client()
    client.force_login(reader)
    url = reverse("contest_judging_queue", args=[queued.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response, seconds = _timed(lambda: client.get(url), repeat)
    assert response.status_code == 200, response.status_code
    assert f"{(queue + 1) // 2} / {queue}".encode() in response.content
    figures["queue_seconds"] = round(seconds, 4)
    figures["queue_queries"] = len(queries) // repeat
    figures["queue_bytes"] = len(response.content)
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--judges", type=int, default=7)
    parser.add_argument("--criteria", type=int, default=5)
    parser.add_argument("--queue", type=int, default=300)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        figures = run(entries=args.entries, judges=args.judges, criteria=args.criteria, queue=args.queue)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(f"Database: {connection.vendor}")
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    main()
