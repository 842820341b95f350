"""The judging benchmark runs end to end at a tiny scale, so `bench/judging_bench.py` keeps working."""

import pytest

from bench.judging_bench import run

pytestmark = pytest.mark.django_db


def test_judging_bench_smoke(home_page):
    figures = run(entries=12, judges=3, criteria=2, queue=6, repeat=1)
    assert figures["scores"] == 12 * 3 * 2
    assert figures["rank_mean_queries"] <= 3
    assert figures["rank_normalised_mean_queries"] == figures["rank_mean_queries"]
    small = run(entries=2, judges=3, criteria=2, queue=1, repeat=1)
    assert small["queue_queries"] == figures["queue_queries"]
