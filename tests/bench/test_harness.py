"""The benchmark harness cannot rot: a tiny run builds data, serves it with gunicorn and measures each scenario."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_smoke_run_measures_baselines_and_pages(tmp_path):
    output = tmp_path / "smoke"
    result = subprocess.run(
        [sys.executable, "bench/run.py", "--smoke", "--only", "home", "--output", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(output.with_suffix(".json").read_text())
    rows = {row["scenario"]: row for row in report["scales"][0]["rows"]}
    assert set(rows) == {"baseline_bare", "baseline_template", "home", "home (cached)"}
    for row in rows.values():
        assert row["status"] == 200
        assert row["requests"] > 0 and row["errors"] == 0
        assert row["rps"] > 0 and row["p95_ms"] >= row["p50_ms"] > 0
    assert rows["baseline_bare"]["queries"] == 0
    assert rows["home"]["queries"] > 0
    # The cached pass serves the same page from the page cache: no query at all.
    assert rows["home (cached)"]["queries"] == 0
    assert rows["baseline_template"]["ratio_baseline_template"] == 1.0
    assert "| tiny | home |" in output.with_suffix(".md").read_text()
