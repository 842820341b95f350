"""The benchmark harness cannot rot: a tiny run builds data, serves it with gunicorn and measures each scenario."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_smoke_run_measures_baselines_pages_and_writes(tmp_path):
    output = tmp_path / "smoke"
    result = subprocess.run(
        [sys.executable, "bench/run.py", "--smoke", "--only", "home", "vote", "submission", "--output", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(output.with_suffix(".json").read_text())
    rows = {row["scenario"]: row for row in report["scales"][0]["rows"]}
    assert set(rows) == {"baseline_bare", "baseline_template", "home", "vote", "submission", "home (cached)"}
    for row in rows.values():
        assert row["status"] in (200, 302)
        assert row["requests"] > 0 and row["errors"] == 0
        assert row["rps"] > 0 and row["p95_ms"] >= row["p50_ms"] > 0
        assert row["ratio_baseline_template"] > 0
    assert rows["baseline_bare"]["queries"] == 0
    assert rows["home"]["queries"] > 0
    # The cached pass serves the same page from the page cache: no query at all.
    assert rows["home (cached)"]["queries"] == 0
    assert rows["baseline_template"]["ratio_baseline_template"] == 1.0

    # Every confirmation answered with success is one vote in the database, and none counts twice (some links
    # are sent twice at once on purpose).
    vote = rows["vote"]
    assert vote["confirmed"] > 0 and vote["repeated_answers"] > 0
    assert vote["lost_votes"] == 0 and vote["duplicated_votes"] == 0
    assert vote["queries"] > 0 and vote["server_cpu_ms_mean"] > 0

    # Real multipart submissions with five photos went through the form and were measured in the worker.
    submission = rows["submission"]
    assert submission["photos"] == 5 and submission["status"] == 302
    assert submission["server_ms_max"] > 0 and submission["peak_worker_mib"] > submission["worker_mib_before"] / 2

    markdown = output.with_suffix(".md").read_text()
    assert "| tiny | home |" in markdown and "| tiny | vote |" in markdown and "| tiny | submission |" in markdown
    goals = {goal["goal"].split(" ")[0]: goal["verdict"] for goal in report["goals"]}
    assert goals["Vote"] in ("met", "not met", "not measured") and goals["Submission"] in ("met", "not met")
    assert "Goals of issue 9:" in markdown
