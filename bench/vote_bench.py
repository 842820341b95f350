"""Confirmed votes per second on the vote endpoint, 32 concurrent clients, against gunicorn on 127.0.0.1.

Runs standalone: `.venv/bin/python bench/vote_bench.py --db sqlite` (or `--db postgres`, or `--db both`).
It builds a throwaway database (SQLite file or a fresh PostgreSQL database), migrates it, seeds an edition in its
voting window with entries open to the vote and confirmed voters, starts gunicorn with the production settings
(plus a bare view), then:
  1. baseline: the same clients GET a bare view (the machine's ceiling for a Django request);
  2. votes: clients POST votes as confirmed readers (signed cookie), two clients per voter sending the same
     votes at the same time, so every vote is attempted twice concurrently;
and counts afterwards: lost votes (a (voter, entry) pair with no vote) and duplicated votes must both be 0.
Writes bench/results/vote_bench-<db>.json.
"""

import argparse
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CSRF = "b" * 32  # a CSRF secret of our own: the form token may be the unmasked secret


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(database_url, redis_db):
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench_settings",
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "site"), str(ROOT / "bench")]),
            "DATABASE_URL": database_url,
            "SECRET_KEY": "bench-" + secrets.token_hex(24),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "RECAPTCHA_PUBLIC_KEY": "bench",
            "RECAPTCHA_PRIVATE_KEY": "bench",
            "SECURE_SSL_REDIRECT": "false",
            "LOG_LEVEL": "ERROR",
            "BENCH_CACHE_PREFIX": f"bench{os.getpid()}-{secrets.token_hex(4)}",
            "PRIVATE_MEDIA_ROOT": tempfile.mkdtemp(prefix="gnt-bench-private-"),
            "MEDIA_ROOT": tempfile.mkdtemp(prefix="gnt-bench-media-"),
        }
    )
    if redis_db is not None:
        env["REDIS_URL"] = f"redis://127.0.0.1:6379/{redis_db}"
    else:
        env.pop("REDIS_URL", None)
        env.pop("CACHE_URL", None)
    return env


def redis_available():
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


# --- Inside Django (the same file, run as a subprocess with --seed / --count) ------------------------------------


def seed(voters, entries):
    import datetime

    import django

    django.setup()
    from django.core.signing import get_cookie_signer
    from django.utils import timezone

    from contest.models import (
        ContestIndexPage,
        ContestPage,
        EditionGenre,
        Entry,
        Voter,
        VotingCandidate,
        VotingRules,
    )
    from contest.voting_routes import SESSION_SALT
    from exemplar_pages.models import Locality
    from home.demo import ensure_site

    home = ensure_site()
    index = ContestIndexPage(title="Cuộc thi", slug="cuoc-thi")
    home.add_child(instance=index)
    now = timezone.now()
    edition = ContestPage(
        title="Bench",
        slug="2025",
        year=2025,
        code_prefix="B",
        submissions_open=now - datetime.timedelta(days=60),
        submissions_close=now - datetime.timedelta(days=30),
        voting_open=now - datetime.timedelta(days=1),
        voting_close=now + datetime.timedelta(days=1),
    )
    index.add_child(instance=edition)
    edition.save_revision().publish()
    VotingRules.objects.create(edition=edition, max_entries_per_voter=0, counts_visibility="live")
    genre = EditionGenre.objects.create(edition=edition, name="Ký")
    locality = Locality.objects.create(name="Tân Ninh")
    entry_ids = []
    for number in range(1, entries + 1):
        entry = Entry.objects.create(
            edition=edition,
            receipt_number=number,
            code=f"B-{number:04d}",
            status="finalist",
            author_name="A",
            author_birth_year=1980,
            author_phone="0",
            author_email=f"a{number}@example.vn",
            author_address="x",
            subject_kind="individual",
            subject_name="S",
            subject_locality=locality,
            subject_address="x",
            subject_contact="x",
            title=f"Entry {number}",
            genre=genre,
            body="Text",
            text_hash=str(number).ljust(64, "x"),
            access_token_hash=str(number).ljust(64, "y"),
            consents_to_publication=True,
        )
        VotingCandidate.objects.create(edition=edition, entry=entry, sort_order=number)
        entry_ids.append(entry.pk)
    cookie_name = f"gnt_vote_{edition.pk}"
    signer = get_cookie_signer(salt=cookie_name + SESSION_SALT)
    cookies = []
    for number in range(voters):
        voter = Voter.objects.create(
            edition=edition,
            email=f"voter{number}@example.vn",
            email_hash=f"bench-{number}",
            email_domain="example.vn",
            confirmed_at=now,
        )
        cookies.append(signer.sign(str(voter.pk)))
    print(json.dumps({"entries": entry_ids, "cookie_name": cookie_name, "cookies": cookies, "edition": edition.pk}))


def count():
    import django

    django.setup()
    from django.db.models import Count

    from contest.models import Vote

    votes = Vote.objects.count()
    pairs = Vote.objects.values("voter", "entry").distinct().count()
    per_pair_max = (
        Vote.objects.values("voter", "entry").annotate(n=Count("pk")).order_by("-n").values_list("n", flat=True).first()
    )
    print(json.dumps({"votes": votes, "distinct_pairs": pairs, "max_per_pair": per_pair_max or 0}))


def django_call(env, *args):
    result = subprocess.run(
        [PYTHON, __file__, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
    )
    if result.returncode:
        raise SystemExit(f"{args[0]} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- The load --------------------------------------------------------------------------------------------------


class Client:
    def __init__(self, port, cookie_header):
        self.port, self.cookie_header = port, cookie_header
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method, url, body=None):
        headers = {"Host": "127.0.0.1", "Cookie": self.cookie_header}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(3):
            try:
                self.connection.request(method, url, body=body, headers=headers)
                response = self.connection.getresponse()
                response.read()
                return response.status
            except (http.client.HTTPException, ConnectionError):
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt == 2:
                    raise
        return None


def run_clients(jobs):
    """Run each job (a callable returning a list of statuses) in its own thread, all released together."""
    barrier = threading.Barrier(len(jobs) + 1)
    results = [None] * len(jobs)

    def worker(index, job):
        barrier.wait()
        results[index] = job()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, results


def baseline(port, clients, requests_per_client):
    def job():
        client = Client(port, f"csrftoken={CSRF}")
        return [client.request("GET", "/bench/bare/") for _ in range(requests_per_client)]

    elapsed, results = run_clients([job for _ in range(clients)])
    statuses = [status for result in results for status in result]
    return {
        "requests": len(statuses),
        "ok": statuses.count(200),
        "seconds": elapsed,
        "per_second": len(statuses) / elapsed,
    }


def votes(port, clients, seeded):
    entries, cookies = seeded["entries"], seeded["cookies"]
    body = f"csrfmiddlewaretoken={CSRF}"

    def job_for(client_index):
        voter_cookie = cookies[client_index // 2]  # two clients per voter: every vote is sent twice at once

        def job():
            client = Client(port, f"csrftoken={CSRF}; {seeded['cookie_name']}={voter_cookie}")
            return [client.request("POST", f"/cuoc-thi/2025/binh-chon/{entry}/", body) for entry in entries]

        return job

    elapsed, results = run_clients([job_for(i) for i in range(clients)])
    statuses = [status for result in results for status in result]
    return {
        "requests": len(statuses),
        "redirects": statuses.count(302),
        "statuses": sorted(set(statuses)),
        "seconds": elapsed,
    }


def start_server(env, port, workers, threads):
    command = [
        str(Path(PYTHON).parent / "gunicorn"),
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, env=env, cwd=ROOT / "site", start_new_session=True, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/bench/bare/", headers={"Host": "127.0.0.1"})
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def stop_server(server):
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


def warm_up(port, seeded, rounds):
    """Every worker imports, routes and renders once before the clock starts (first requests are not the load)."""
    client = Client(port, f"csrftoken={CSRF}")
    for _ in range(rounds):
        client.request("GET", "/bench/bare/")
        client.request("GET", "/cuoc-thi/2025/binh-chon/")
        client.request("GET", f"/cuoc-thi/2025/binh-chon/{seeded['entries'][0]}/")


def bench(db, *, clients, entries, baseline_requests, workers, threads, database_url=None):
    workdir = Path(tempfile.mkdtemp(prefix=f"gnt-vote-bench-{db}-"))
    given_database = database_url is not None
    name = f"gnt_vote_bench_{os.getpid()}"
    if not given_database and db == "sqlite":
        database_url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    elif not given_database:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
        database_url = f"postgres://postgres@127.0.0.1:5432/{name}"
    redis_db = 9 if redis_available() else None
    env = environment(database_url, redis_db)
    if redis_db is not None:
        env["CACHE_URL"] = ""  # REDIS_URL decides
    server = None
    try:
        if not given_database:
            migrate = subprocess.run(
                [PYTHON, "manage.py", "migrate", "--noinput"],
                env=env,
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=False,
            )
            if migrate.returncode:
                raise SystemExit(migrate.stderr[-3000:])
        seeded = django_call(env, "--seed", str(clients // 2), str(entries))
        port = free_port()
        server = start_server(env, port, workers, threads)
        warm_up(port, seeded, rounds=workers * threads)
        base = baseline(port, clients, baseline_requests)
        load = votes(port, clients, seeded)
        counted = django_call(env, "--count")
    finally:
        if server:
            stop_server(server)
        if db == "postgres" and not given_database:
            import psycopg

            with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(workdir, ignore_errors=True)
    expected = (clients // 2) * entries
    result = {
        "database": db,
        "server": f"gunicorn {workers} workers x {threads} threads, production settings",
        "cache": "redis" if redis_db is not None else "local memory",
        "clients": clients,
        "cpu_count": os.cpu_count(),
        "baseline_bare_view_per_second": round(base["per_second"], 1),
        "vote_requests": load["requests"],
        "vote_statuses": load["statuses"],
        "expected_votes": expected,
        "votes_in_database": counted["votes"],
        "confirmed_votes_per_second": round(counted["votes"] / load["seconds"], 1),
        "vote_requests_per_second": round(load["requests"] / load["seconds"], 1),
        "lost_votes": expected - counted["distinct_pairs"],
        "duplicated_votes": counted["votes"] - counted["distinct_pairs"],
        "seconds": round(load["seconds"], 2),
        # The machine is shared: read the figures against its load while the benchmark ran.
        "load_average_after": [round(value, 2) for value in os.getloadavg()],
    }
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients (two per voter)")
    parser.add_argument("--entries", type=int, default=25, help="entries each voter votes for")
    parser.add_argument("--baseline-requests", type=int, default=50, help="bare-view requests per client")
    parser.add_argument("--workers", type=int, default=max(2, (os.cpu_count() or 1) + 1))
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--database-url", help="an existing, migrated, empty database to use instead of a throwaway one (smoke test)"
    )
    parser.add_argument("--output", default=str(ROOT / "bench" / "results"), help="folder for the JSON results")
    arguments = parser.parse_args()
    databases = ["sqlite", "postgres"] if arguments.db == "both" else [arguments.db]
    results = []
    for db in databases:
        result = bench(
            db,
            clients=arguments.clients,
            entries=arguments.entries,
            baseline_requests=arguments.baseline_requests,
            workers=arguments.workers,
            threads=arguments.threads,
            database_url=arguments.database_url,
        )
        results.append(result)
        if arguments.output != "-":
            Path(arguments.output).mkdir(parents=True, exist_ok=True)
            (Path(arguments.output) / f"vote_bench-{db}.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    return 0 if all(r["lost_votes"] == 0 and r["duplicated_votes"] == 0 for r in results) else 1


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--seed":
        seed(int(sys.argv[2]), int(sys.argv[3]))
    elif len(sys.argv) > 1 and sys.argv[1] == "--count":
        count()
    else:
        sys.exit(main())
