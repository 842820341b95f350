"""`make bench`: builds the database at each scale, serves it with gunicorn and drives every scenario.

Prints a table and writes bench/results/latest.json and latest.md. Figures are absolute (requests/s, latency,
worker CPU per request, SQL queries per request, peak worker memory) and relative to two baselines served by the
same gunicorn: a bare 100-byte Django view and a 5 KB template rendered without the database.
"""

import argparse
import contextlib
import hashlib
import http.client
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
from write_scenarios import make_photos, measure_submission, measure_votes, run_clients, run_django_command

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
RESULTS = ROOT / "bench" / "results"
BASELINES = {"baseline_bare": "/bench/bare", "baseline_template": "/bench/template"}
# Anonymous pages that the full-page cache serves; each is measured a second time with the cache on.
CACHED_SCENARIOS = {"home", "exemplar", "library", "movement", "edition", "voting_gallery", "search"}
# Scenarios that write (bench/write_scenarios.py): run last in the uncached pass, with their own load generators.
WRITE_SCENARIOS = ("vote", "submission")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_checked(args, env, **kwargs):
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"failed: {' '.join(map(str, args))}")
    return result.stdout


def prepare_database(scale, env, database_url):
    if database_url.startswith("postgres"):
        import psycopg

        name = database_url.rsplit("/", 1)[1]
        admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    started = time.perf_counter()
    out = run_checked([PYTHON, "bench/datasets.py", scale], env, timeout=1800)
    paths = json.loads(out.strip().splitlines()[-1])
    return paths, time.perf_counter() - started


class Server:
    """gunicorn with N sync workers on loopback; its workers' CPU time and memory are read with psutil."""

    def __init__(self, env, workers, threads=1):
        self.port = free_port()
        self.proc = subprocess.Popen(
            [
                str(Path(PYTHON).parent / "gunicorn"),
                # Production's gunicorn settings (its malloc tuning included); the options below override them.
                "--config",
                str(ROOT / "site" / "config" / "gunicorn.conf.py"),
                # No worker replaced mid-run: its memory after the run is what it kept, not a fresh worker's.
                "--max-requests",
                "0",
                "--chdir",
                "site",
                "config.wsgi:application",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
                "--keep-alive",
                "5",
                # More than one thread makes gunicorn's gthread workers: requests waiting on the database overlap.
                "--threads",
                str(threads),
            ],
            cwd=ROOT,
            env=env,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                status, _, _ = self.get("/healthz")
                if status == 200:
                    # Each worker has imported the site by now (no --preload): what it holds before serving pages.
                    time.sleep(0.5)
                    self.start_mib = max(w.memory_info().rss for w in self.workers()) / 2**20
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit("gunicorn did not start")

    def workers(self):
        return psutil.Process(self.proc.pid).children()

    def get(self, path):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.request("GET", path, headers={"Host": "127.0.0.1"})
        response = conn.getresponse()
        body = response.read()
        conn.close()
        return response.status, dict(response.getheaders()), body

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def wrk_load(port, path, duration, concurrency):
    args = [
        "wrk",
        f"-t{min(concurrency, 2)}",
        f"-c{concurrency}",
        f"-d{max(1, round(duration))}s",
        "--timeout",
        "10s",
        "-s",
        str(ROOT / "bench" / "report.lua"),
        f"http://127.0.0.1:{port}{path}",
    ]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    line = [row for row in out.splitlines() if row.startswith("{")][-1]
    data = json.loads(line)
    seconds = data["duration_us"] / 1e6
    return {
        "requests": data["requests"],
        "errors": data["errors"] + data["non2xx"],
        "rps": data["requests"] / seconds if seconds else 0.0,
        "p50_ms": data["p50_us"] / 1000,
        "p95_ms": data["p95_us"] / 1000,
        "p99_ms": data["p99_us"] / 1000,
    }


def python_load(port, path, duration, concurrency):
    """A fallback load generator (threads, keep-alive) for machines without wrk; it costs the server CPU."""
    latencies, errors = [], [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + duration

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, failed = [], 0
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Host": "127.0.0.1"})
                response = conn.getresponse()
                response.read()
                if response.status >= 400:
                    failed += 1
            except (OSError, http.client.HTTPException):
                failed += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            mine.append(time.perf_counter() - started)
        conn.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    elapsed = run_clients(client, concurrency)
    latencies.sort()

    def pct(p):
        return latencies[min(len(latencies) - 1, int(len(latencies) * p / 100))] * 1000 if latencies else 0.0

    return {
        "requests": len(latencies),
        "errors": errors[0],
        "rps": len(latencies) / elapsed,
        "p50_ms": pct(50),
        "p95_ms": pct(95),
        "p99_ms": pct(99),
    }


def measure(server, name, path, duration, concurrency, use_wrk):
    load = wrk_load if use_wrk else python_load
    server.get(path)
    load(server.port, path, min(1, duration), concurrency)  # warm caches and connections
    # The steady state: what a reader's request costs once each worker has served the page (its own caches
    # warm); a few requests so that every worker is seen, the lowest count wins.
    samples = [server.get(path) for _ in range(2 * len(server.workers()))]
    status, _headers, body = samples[-1]
    queries = min(int(headers.get("X-Bench-Queries", "-1")) for _status, headers, _body in samples)
    workers = server.workers()
    cpu_before = sum(sum(w.cpu_times()[:2]) for w in workers)
    peak = [0]
    sampling = threading.Event()

    def sample():
        while not sampling.is_set():
            with contextlib.suppress(psutil.Error):
                peak[0] = max(peak[0], max(w.memory_info().rss for w in workers))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample)
    sampler.start()
    result = load(server.port, path, duration, concurrency)
    sampling.set()
    sampler.join()
    cpu_after = sum(sum(w.cpu_times()[:2]) for w in workers)
    result.update(
        {
            "scenario": name,
            "path": path,
            "status": status,
            "bytes": len(body),
            "queries": queries,
            "cpu_ms_per_request": (cpu_after - cpu_before) * 1000 / max(result["requests"], 1),
            "peak_worker_mib": peak[0] / 2**20,
        }
    )
    return result


def timed_out_row(name, path, error):
    return {
        "scenario": name,
        "path": path,
        "status": 0,
        "error": f"no answer: {error!r}",
        "bytes": 0,
        "queries": -1,
        "requests": 0,
        "errors": 1,
        "rps": 0.0,
        "p50_ms": float("nan"),
        "p95_ms": float("nan"),
        "p99_ms": float("nan"),
        "cpu_ms_per_request": float("nan"),
        "peak_worker_mib": 0.0,
    }


def schema_hash():
    """A hash of everything that decides the migrated schema: our migrations and the locked dependencies."""
    digest = hashlib.sha256((ROOT / "uv.lock").read_bytes())
    skipped = {".venv", ".tools", ".git", "node_modules", "media", "static"}
    tops = sorted(top for top in ROOT.iterdir() if top.is_dir() and top.name not in skipped)
    for path in sorted(path for top in tops for path in top.glob("**/migrations/*.py")):
        digest.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def run_scale(scale, args, use_wrk):
    tmp = Path(tempfile.mkdtemp(prefix=f"gnt-bench-{scale}-"))
    database_url = args.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    if args.database_url and args.database_url.startswith("postgres"):
        database_url = args.database_url.rstrip("/") + f"_{scale}"
    env = {
        **os.environ,
        "BENCH_SQLITE_TEMPLATE": str(Path(tempfile.gettempdir()) / f"gnt-bench-migrated-{schema_hash()}.sqlite3"),
        "DJANGO_SETTINGS_MODULE": "config.settings.bench",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(tmp / "media"),
        "PRIVATE_MEDIA_ROOT": str(tmp / "private"),
    }
    try:
        return _run_scale(scale, args, use_wrk, tmp, env, database_url)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        drop_database(database_url)


def drop_database(database_url):
    """Remove a PostgreSQL database the run created (a SQLite file goes with the temporary folder)."""
    if not database_url.startswith("postgres"):
        return
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    with psycopg.connect(database_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def measure_write(server, name, path, args, meta, photos, run_django):
    if name == "vote":
        row = measure_votes(server, path, meta["_vote_tokens"], args.duration, args.concurrency, run_django)
    else:
        row = measure_submission(server, path, photos, args.duration)
    row.update({"scenario": name, "path": path})
    return row


def _run_scale(scale, args, use_wrk, tmp, env, database_url):
    paths, build_seconds = prepare_database(scale, env, database_url)
    meta = {name: paths.pop(name) for name in list(paths) if name.startswith("_")}
    run_checked([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env, timeout=300)
    selected = {name: path for name, path in paths.items() if not args.only or name in args.only}
    # Writes last: a vote changes the counts the gallery shows, a submission adds entries.
    selected = dict(sorted(selected.items(), key=lambda item: item[0] in WRITE_SCENARIOS))
    photos = []
    if "submission" in selected:
        photos = make_photos(tmp / "photos", 5, args.photo_mb, side=args.photo_side)
    run_django = run_django_command(env, ROOT, PYTHON)
    rows = []
    memory_after = memory_start = 0.0
    # First every scenario uncached, then the anonymous pages again from the full-page cache.
    passes = [("", {"PAGE_CACHE_SECONDS": "0"}, {**BASELINES, **selected})]
    if not args.no_cached:
        cached = {f"{name} (cached)": path for name, path in selected.items() if name in CACHED_SCENARIOS}
        passes.append((" (cached)", {"PAGE_CACHE_SECONDS": "600"}, cached))
    for _suffix, extra_env, scenarios in passes:
        if not scenarios:
            continue
        server = Server({**env, **extra_env}, args.workers, args.threads)
        memory_start = memory_start or server.start_mib
        try:
            for name, path in scenarios.items():
                try:
                    if name in WRITE_SCENARIOS:
                        row = measure_write(server, name, path, args, meta, photos, run_django)
                    else:
                        row = measure(server, name, path, args.duration, args.concurrency, use_wrk)
                except (TimeoutError, OSError, http.client.HTTPException) as error:
                    # A page too slow to answer within the client's timeout is a result, not a crash: record
                    # it, and restart gunicorn so the requests still queued do not weigh on the next scenario.
                    row = timed_out_row(name, path, error)
                    server.stop()
                    server = Server({**env, **extra_env}, args.workers, args.threads)
                row["scale"] = scale
                rows.append(row)
                print(
                    f"{scale:6} {name:28} {row['rps']:9.1f} req/s  p95 {row['p95_ms']:7.1f} ms  "
                    f"cpu {row['cpu_ms_per_request']:6.2f} ms  q {row['queries']:3}  "
                    f"{row['peak_worker_mib']:6.1f} MiB{write_summary(row)}",
                    flush=True,
                )
            memory_after = max(memory_after, max(w.memory_info().rss for w in server.workers()) / 2**20)
        finally:
            server.stop()
    by_name = {row["scenario"]: row for row in rows}
    for row in rows:
        for base in BASELINES:
            row[f"ratio_{base}"] = row["rps"] / by_name[base]["rps"] if by_name[base]["rps"] else 0.0
    return {
        "scale": scale,
        "build_seconds": build_seconds,
        "worker_mib_at_start": memory_start,
        "worker_mib_after_run": memory_after,
        "rows": rows,
    }


def write_summary(row):
    if "lost_votes" in row:
        return (
            f"  confirmed {row['confirmed']}, lost {row['lost_votes']}, duplicated {row['duplicated_votes']}, "
            f"errors {row['errors']}; in the worker {row['server_ms_mean']:.1f} ms per confirmation of which CPU "
            f"{row['server_cpu_ms_mean']:.1f} ms"
        )
    if "server_ms_max" in row:
        return (
            f"  server time {row['server_ms_max']:.0f} ms max per submission (worker CPU {row['server_cpu_ms_max']:.0f}"
            f" ms), peak worker memory {row['peak_worker_mib']:.0f} MiB, errors {row['errors']} {row['error_samples']}"
        )
    return ""


def markdown(report):
    lines = [
        f"Run {report['started']} on {report['machine']} ({report['cpus']} CPUs), {report['database']}, "
        f"gunicorn {report['workers']} {report['worker_kind']}, {report['concurrency']} concurrent clients, "
        f"{report['duration']} s per scenario, load from {report['load_generator']}.",
        "",
        "| scale | scenario | req/s | × bare | × 5 KB template | p50 ms | p95 ms | p99 ms | CPU ms/req | queries "
        "| peak MiB |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for scale in report["scales"]:
        for row in scale["rows"]:
            lines.append(
                f"| {scale['scale']} | {row['scenario']} | {row['rps']:.0f} | {row['ratio_baseline_bare']:.3f} | "
                f"{row['ratio_baseline_template']:.3f} | {row['p50_ms']:.1f} | {row['p95_ms']:.1f} | "
                f"{row['p99_ms']:.1f} | {row['cpu_ms_per_request']:.2f} | {row['queries']} | "
                f"{row['peak_worker_mib']:.0f} |"
            )
        lines.append(
            f"| {scale['scale']} | worker memory after the run | | | | | | | | | {scale['worker_mib_after_run']:.0f} |"
        )
        lines.append(
            f"| {scale['scale']} | worker memory at start (site imported) | | | | | | | | | "
            f"{scale.get('worker_mib_at_start', 0):.0f} |"
        )
    details = [
        f"- {scale['scale']} {row['scenario']}:{write_summary(row)}"
        for scale in report["scales"]
        for row in scale["rows"]
        if write_summary(row)
    ]
    if details:
        lines += ["", "Write scenarios:", "", *details]
    lines += ["", "Goals of issue 9:", ""]
    lines += [f"- {goal['goal']}: {goal['measured']} — **{goal['verdict']}**" for goal in report.get("goals", [])]
    return "\n".join(lines) + "\n"


def goals(report):
    """Each goal of issue 9 with the figure this run measured and 'met', 'not met' or 'not measured'."""
    rows = {(scale["scale"], row["scenario"]): row for scale in report["scales"] for row in scale["rows"]}
    scales = [scale["scale"] for scale in report["scales"]]
    results = []

    def add(goal, measured, met):
        verdict = "not measured" if met is None else ("met" if met else "not met")
        results.append({"goal": goal, "measured": measured or "not in this run", "verdict": verdict})

    def answered(row):
        return row is not None and row["status"] in (200, 302) and row["requests"] > 0

    def page_goal(names, ratio, max_queries, same_count):
        figures, met = [], None
        for name in names:
            counts = set()
            for scale in scales:
                row = rows.get((scale, name))
                if row is None:
                    continue
                ok = answered(row) and row["ratio_baseline_template"] >= ratio and 0 <= row["queries"] <= max_queries
                counts.add(row["queries"])
                met = ok if met is None else met and ok
                figures.append(
                    f"{name} {scale} 1/{1 / row['ratio_baseline_template']:.0f}"
                    if row["rps"]
                    else f"{name} {scale} no answer"
                )
                figures[-1] += f", {row['queries']} queries"
            if same_count and len(counts) > 1:
                met = False
                figures.append(f"{name}: query count differs between scales")
        return "; ".join(figures), met

    add("Exemplar story ≥ 1/10 of the 5 KB baseline, ≤ 8 queries", *page_goal(["exemplar"], 1 / 10, 8, False))
    add(
        "Library, movement, home ≥ 1/15 of the 5 KB baseline, ≤ 10 queries, same count at both scales",
        *page_goal(["library", "movement", "home"], 1 / 15, 10, True),
    )
    search = rows.get(("large", "search"))
    if search is None:
        add("Search over 10,000 exemplars: p95 < 100 ms at 8 clients", "large scale not in this run", None)
    else:
        p95 = search["p95_ms"]
        add(
            "Search over 10,000 exemplars: p95 < 100 ms at 8 clients",
            f"p95 {p95:.0f} ms" if answered(search) else "no answer",
            answered(search) and p95 < 100 and report["concurrency"] >= 8,
        )
    cached = [(key, row) for key, row in rows.items() if key[1].endswith("(cached)")]
    if cached:
        worst = min(cached, key=lambda item: item[1]["ratio_baseline_bare"])
        add(
            "Any cached anonymous page ≥ 0.5 × the bare baseline",
            f"worst {worst[0][1]} ({worst[0][0]}) {worst[1]['ratio_baseline_bare']:.2f} ×",
            all(answered(row) and row["ratio_baseline_bare"] >= 0.5 for _key, row in cached),
        )
    else:
        add("Any cached anonymous page ≥ 0.5 × the bare baseline", "", None)
    votes = [(scale, rows[(scale, "vote")]) for scale in scales if (scale, "vote") in rows]
    goal = "Vote confirmation ≥ 1/5 of the 5 KB baseline on PostgreSQL, 0 lost, 0 duplicated"
    if votes:
        text = "; ".join(
            f"{scale} 1/{1 / row['ratio_baseline_template']:.0f}" if row["rps"] else f"{scale} no answer"
            for scale, row in votes
        )
        text += "; " + ", ".join(f"lost {row['lost_votes']}, duplicated {row['duplicated_votes']}" for _s, row in votes)
        ok = all(
            answered(row)
            and row["ratio_baseline_template"] >= 1 / 5
            and not row["lost_votes"]
            and not row["duplicated_votes"]
            and not row["errors"]
            for _scale, row in votes
        )
        if report["database"] != "PostgreSQL":
            text += f" (on {report['database']}; the goal is on PostgreSQL)"
            ok = None if ok else False
        add(goal, text, ok)
    else:
        add(goal, "", None)
    submissions = [(scale, rows[(scale, "submission")]) for scale in scales if (scale, "submission") in rows]
    goal = "Submission with five 5 MB photos: < 3 s server time, < 250 MB peak worker memory"
    if submissions:
        add(
            goal,
            "; ".join(
                f"{scale} {row['server_ms_max'] / 1000:.2f} s max (CPU {row['server_cpu_ms_max'] / 1000:.2f} s), "
                f"peak {row['peak_worker_mib'] * 2**20 / 1e6:.0f} MB "
                f"({row['photos']} photos of {max(row['photo_mib'], default=0):.1f} MiB)"
                for scale, row in submissions
            ),
            all(
                not row["errors"] and row["server_ms_max"] < 3000 and row["peak_worker_mib"] * 2**20 < 250e6
                for _scale, row in submissions
            ),
        )
    else:
        add(goal, "", None)
    add(
        "Ranking 1,000 × 7 × 5 under 1 s; a judge's queue of 300 with a fixed query count",
        "bench/judging_bench.py",
        None,
    )
    after = max((scale["worker_mib_after_run"] for scale in report["scales"]), default=0)
    start = max((scale.get("worker_mib_at_start", 0) for scale in report["scales"]), default=0)
    add(
        "Worker memory after the run ≤ 150 MiB",
        f"{after:.0f} MiB (at start, the site imported: {start:.0f} MiB)",
        after <= 150 if after else None,
    )
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", default="small,large")
    parser.add_argument("--duration", type=float, default=8.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (1: sync workers)")
    parser.add_argument(
        "--database-url", default="", help="postgres://… to run on PostgreSQL (a _<scale> suffix is added)"
    )
    parser.add_argument("--only", nargs="*", help="scenario names to run (baselines always run)")
    parser.add_argument("--no-cached", action="store_true", help="skip the second, page-cached pass")
    parser.add_argument("--smoke", action="store_true", help="tiny scale, one second per scenario: checks the harness")
    parser.add_argument("--photo-mb", type=float, default=5.0, help="size of each of the submission's five photos")
    parser.add_argument("--photo-side", type=int, default=4032, help="the photos' longest side (4032: a 12 MP phone)")
    parser.add_argument("--output", default=str(RESULTS / "latest"))
    args = parser.parse_args(argv)
    if args.smoke:
        args.scales, args.duration, args.concurrency = "tiny", 1.0, 2
        args.photo_mb, args.photo_side = 0.3, 1024
    use_wrk = shutil.which("wrk") is not None
    report = {
        "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "machine": platform.platform(),
        "cpus": os.cpu_count(),
        "database": "PostgreSQL" if args.database_url.startswith("postgres") else "SQLite",
        "workers": args.workers,
        "worker_kind": "sync workers" if args.threads == 1 else f"gthread workers × {args.threads} threads",
        "concurrency": args.concurrency,
        "duration": args.duration,
        "load_generator": "wrk" if use_wrk else "python threads",
        "scales": [],
    }
    for scale in args.scales.split(","):
        report["scales"].append(run_scale(scale, args, use_wrk))
    report["goals"] = goals(report)
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.with_suffix(".json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    output.with_suffix(".md").write_text(markdown(report))
    print()
    print(markdown(report))
    return report


if __name__ == "__main__":
    main()
