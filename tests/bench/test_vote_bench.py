"""The vote benchmark runs end to end at a small scale: gunicorn, concurrent duplicate votes, 0 lost, 0 duplicated."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]

# The benchmark's gunicorn writes to this test's database (already migrated), so no migration slows the smoke run.
pytestmark = pytest.mark.django_db(transaction=True)


def test_vote_bench_smoke(page_tree_root):
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        url, db = f"sqlite:///{database['NAME']}", "sqlite"
    else:
        url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
        db = "postgres"
    result = subprocess.run(
        [
            sys.executable,
            "bench/vote_bench.py",
            "--db",
            db,
            "--database-url",
            url,
            "--clients",
            "4",
            "--entries",
            "3",
            "--baseline-requests",
            "3",
            "--workers",
            "1",
            "--threads",
            "2",
            "--output",
            "-",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:] + result.stdout[-3000:]
    (report,) = json.loads(result.stdout[result.stdout.index("[") :])
    assert report["expected_votes"] == 6 == report["votes_in_database"]
    assert report["lost_votes"] == 0 and report["duplicated_votes"] == 0
    assert report["vote_statuses"] == [302]
    assert report["baseline_bare_view_per_second"] > 0
