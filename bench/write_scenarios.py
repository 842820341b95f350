"""The write scenarios of `make bench`: vote confirmations under concurrency and a submission with five big photos.

Both need more than a GET per request (a token per confirmation, a multipart form per submission), so they have
their own Python load generators; run.py calls them against the same gunicorn as every other scenario.
"""

import contextlib
import http.client
import io
import itertools
import json
import re
import subprocess
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import psutil

CSRF = "b" * 32  # a CSRF secret of our own: a form may send the unmasked secret as its token
VOTE_TOKEN = "bench-vote-{}"  # as bench/datasets.py seeds them
# One confirmation in DOUBLE_EVERY is sent twice at once from two clients (a double tap, a link opened on two
# devices): the write path must still make exactly one vote of it.
DOUBLE_EVERY = 5


def percentiles(latencies):
    ordered = sorted(latencies)

    def pct(p):
        return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))] * 1000 if ordered else float("nan")

    return pct(50), pct(95), pct(99)


def mean(values):
    return sum(values) / len(values) if values else float("nan")


def workers_cpu(workers):
    total = 0.0
    for worker in workers:
        with contextlib.suppress(psutil.Error):
            total += sum(worker.cpu_times()[:2])
    return total


# --- Vote confirmation ------------------------------------------------------------------------------------------


def vote_tokens(count):
    """Token numbers in the order clients take them; every DOUBLE_EVERY-th one twice in a row."""
    for n in range(count):
        yield n
        if n % DOUBLE_EVERY == 0:
            yield n


class Outcomes:
    """What each confirmation was answered, by token number: 'confirmed', 'already' or an error."""

    def __init__(self):
        self.lock = threading.Lock()
        self.by_token = {}
        self.latencies, self.queries, self.server_ms, self.server_cpu_ms, self.errors = [], [], [], [], 0

    def add(self, n, outcome, latency, server):
        with self.lock:
            self.by_token.setdefault(n, []).append(outcome)
            if outcome in ("confirmed", "already"):
                self.latencies.append(latency)
                self.queries.append(server["queries"])
                self.server_ms.append(server["ms"])
                self.server_cpu_ms.append(server["cpu_ms"])
            else:
                self.errors += 1


def server_figures(response):
    """What the bench middleware reports of a request: its queries, wall time and CPU time in the worker."""
    return {
        "queries": int(response.getheader("X-Bench-Queries", "-1")),
        "ms": float(response.getheader("X-Bench-Time-Ms", "nan")),
        "cpu_ms": float(response.getheader("X-Bench-CPU-Ms", "nan")),
    }


def confirm_once(connection, path, n):
    """POST one confirmation link's form; returns (outcome, what the server reports of it)."""
    body = urlencode({"csrfmiddlewaretoken": CSRF, "t": VOTE_TOKEN.format(n)})
    headers = {
        "Host": "127.0.0.1",
        "Cookie": f"csrftoken={CSRF}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    connection.request("POST", path, body=body, headers=headers)
    response = connection.getresponse()
    response.read()
    server = server_figures(response)
    if response.status != 302:
        return f"status {response.status}", server
    # A first confirmation starts the reader's voting session (its signed cookie); a repeated one does not.
    cookies = " ".join(value for name, value in response.getheaders() if name.lower() == "set-cookie")
    return ("confirmed" if "gnt_vote_" in cookies else "already"), server


def drive_confirmations(port, path, tokens, deadline, concurrency, outcomes):
    lock = threading.Lock()

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < deadline:
            with lock:
                n = next(tokens, None)
            if n is None:
                break
            started = time.perf_counter()
            try:
                outcome, server = confirm_once(connection, path, n)
            except (OSError, http.client.HTTPException) as error:
                outcome, server = f"no answer: {type(error).__name__}", {}
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            outcomes.add(n, outcome, time.perf_counter() - started, server)
        connection.close()

    return run_clients(client, concurrency)


def check_votes(run_django):
    """The votes the database holds for the seeded requests (bench/datasets.py check-votes)."""
    return json.loads(run_django(["check-votes"]).strip().splitlines()[-1])


def measure_votes(server, path, token_count, duration, concurrency, run_django):
    """Distinct voters confirm their one-time links for `duration` seconds; then the ledger is checked."""
    tokens = vote_tokens(token_count)
    outcomes = Outcomes()
    # Warm-up: every worker routes and renders the confirmation once before the clock starts.
    drive_confirmations(server.port, path, tokens, time.perf_counter() + min(1.0, duration), concurrency, outcomes)
    timed = Outcomes()
    workers = server.workers()
    cpu_before = workers_cpu(workers)
    peak = [0]
    sampling = threading.Event()

    def sample():
        while not sampling.is_set():
            with contextlib.suppress(psutil.Error, ValueError):
                peak[0] = max(peak[0], max(w.memory_info().rss for w in workers))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample)
    sampler.start()
    elapsed = drive_confirmations(server.port, path, tokens, time.perf_counter() + duration, concurrency, timed)
    sampling.set()
    sampler.join()
    cpu = workers_cpu(workers) - cpu_before
    ran_out = next(tokens, None) is None
    # Both passes count for the ledger check; only the timed one for the figures.
    for n, answers in timed.by_token.items():
        outcomes.by_token.setdefault(n, []).extend(answers)
    ledger = check_votes(run_django)
    voted = set(ledger["voted"])
    confirmed = {n for n, answers in outcomes.by_token.items() if "confirmed" in answers}
    lost = len(confirmed - voted)
    # Two success answers for one link, or more than one vote row for a voter: a vote counted twice.
    duplicated = sum(answers.count("confirmed") - 1 for answers in outcomes.by_token.values() if "confirmed" in answers)
    duplicated += ledger["votes"] - ledger["voters_with_votes"]
    answered = len(timed.latencies)
    p50, p95, p99 = percentiles(timed.latencies)
    return {
        "requests": answered,
        "errors": timed.errors,
        "rps": answered / elapsed if elapsed else 0.0,
        "p50_ms": p50,
        "p95_ms": p95,
        "p99_ms": p99,
        "status": 302 if answered else 0,
        "bytes": 0,
        "queries": round(sum(timed.queries) / len(timed.queries), 1) if timed.queries else -1,
        "cpu_ms_per_request": cpu * 1000 / max(answered, 1),
        "peak_worker_mib": peak[0] / 2**20,
        # Inside the worker, per confirmation: wall time much above CPU time is waiting (the database's commit to
        # disk, a lock, or a core busy elsewhere).
        "server_ms_mean": mean(timed.server_ms),
        "server_cpu_ms_mean": mean(timed.server_cpu_ms),
        "confirmed": len(confirmed),
        "repeated_answers": sum(answers.count("already") for answers in outcomes.by_token.values()),
        "votes_in_database": ledger["votes"],
        "lost_votes": lost,
        # Votes the database holds whose confirmation got no success answer (e.g. a client timed out).
        "votes_without_success_answer": len(voted - confirmed),
        "duplicated_votes": duplicated,
        "ran_out_of_tokens": ran_out,
    }


# --- Submission with five big photos -------------------------------------------------------------------------


def make_photos(directory, count, megabytes, side=4032):
    """`count` JPEGs of a phone camera's size (12 MP at the default side), noisy enough to weigh `megabytes` each.

    Noise does not compress away, so the server decodes, scales and re-encodes full-size pictures as it would a
    real photo. Returns the files' paths (in `directory`, never in the repository).
    """
    from PIL import Image, ImageChops

    width, height = side, side * 3 // 4
    target = megabytes * 1024 * 1024
    gradient = Image.linear_gradient("L").resize((width, height))
    noisy = Image.merge("RGB", [Image.blend(Image.effect_noise((width, height), 28), gradient, 0.5) for _ in "RGB"])
    Path(directory).mkdir(parents=True, exist_ok=True)
    paths = []
    quality = 95
    for number in range(count):
        picture = ImageChops.offset(noisy, number * 97, number * 61)  # five different pictures from one noise
        while True:
            buffer = io.BytesIO()
            picture.save(buffer, format="JPEG", quality=quality)
            if buffer.tell() <= target or quality <= 50:
                break
            quality -= 1
        path = Path(directory) / f"anh-{number + 1}.jpg"
        path.write_bytes(buffer.getvalue())
        paths.append(path)
    return paths


def _select_value(html, name):
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    value = re.search(r'<option value="(\d+)"', select.group(1)) if select else None
    if not value:
        raise SystemExit(f"the submission form has no choice for {name}")
    return value.group(1)


def submission_fields(html, number):
    """The form's fields as an author fills them; the text differs per submission (duplicates are refused)."""
    sentence = (
        "Mỗi sáng, khi phố còn ngủ, chị Năm đã nhóm bếp để kịp mang những phần cơm nóng vào bệnh viện cho bà con "
        "nghèo, việc nhỏ mà bền bỉ suốt nhiều năm."
    )
    body = f"Bài dự thi số {number} ({uuid.uuid4()}). " + " ".join([sentence] * 12)
    return {
        "author_name": "Nguyễn Văn Bình",
        "author_birth_year": "1980",
        "author_phone": "0912345678",
        "author_email": f"tacgia{number}-{uuid.uuid4().hex[:8]}@example.vn",
        "author_address": "Phường 1, Tây Ninh",
        "author_workplace": "",
        "co_authors": "",
        "subject_kind": "individual",
        "subject_name": "Chị Năm",
        "subject_locality": _select_value(html, "subject_locality"),
        "subject_address": "Phường 3, Tây Ninh",
        "subject_contact": "0276 3822 000",
        "movement": "",
        "title": f"Bếp cơm nghĩa tình số {number}",
        "genre": _select_value(html, "genre"),
        "body": body,
        "declares_own_work": "on",
        "declares_unpublished": "on",
        "consents_to_publication": "on",
        "consents_to_data_processing": "on",
        "website": "",
        "submission_key": str(uuid.uuid4()),
        "csrfmiddlewaretoken": CSRF,
    }


def multipart(fields, files):
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, path in files:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{path.name}"\r\n'
            f"Content-Type: image/jpeg\r\n\r\n".encode()
            + path.read_bytes()
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def reset_peak_memory(workers):
    """Reset each worker's high-water mark of resident memory (Linux: 5 > /proc/PID/clear_refs)."""
    for worker in workers:
        with contextlib.suppress(OSError):
            Path(f"/proc/{worker.pid}/clear_refs").write_text("5")


def peak_memory(workers):
    """The highest VmHWM (peak resident memory since the reset) of the workers, in bytes."""
    peak = 0
    for worker in workers:
        with contextlib.suppress(OSError):
            status = Path(f"/proc/{worker.pid}/status").read_text()
            peak = max(peak, int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) * 1024)
    return peak


def measure_submission(server, path, photos, duration, max_submissions=10):
    """Authors send the form with five photos one after the other for about `duration` seconds (at least two)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
    connection.request("GET", path, headers={"Host": "127.0.0.1"})
    response = connection.getresponse()
    html = response.read().decode()
    if response.status != 200:
        raise SystemExit(f"the submission form answered {response.status}")
    workers = server.workers()
    reset_peak_memory(workers)
    rss_before = max(w.memory_info().rss for w in workers)
    cpu_before = workers_cpu(workers)
    server_ms, server_cpu_ms, latencies, queries, errors = [], [], [], [], []
    started = time.perf_counter()
    for number in itertools.count(1):
        if number > max_submissions or (number > 2 and time.perf_counter() - started > duration):
            break
        body, content_type = multipart(submission_fields(html, number), [("photos", p) for p in photos])
        sent = time.perf_counter()
        headers = {"Host": "127.0.0.1", "Cookie": f"csrftoken={CSRF}", "Content-Type": content_type}
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        page = response.read()
        latencies.append(time.perf_counter() - sent)
        if response.status != 302 or "cam-on" not in response.getheader("Location", ""):
            errors.append(f"{response.status}: {re.findall(rb'errorlist[^>]*>(.*?)</', page)[:3]!r}")
            continue
        server_ms.append(float(response.getheader("X-Bench-Time-Ms", "nan")))
        server_cpu_ms.append(float(response.getheader("X-Bench-CPU-Ms", "nan")))
        queries.append(int(response.getheader("X-Bench-Queries", "-1")))
    elapsed = time.perf_counter() - started
    connection.close()
    cpu = workers_cpu(workers) - cpu_before
    p50, p95, p99 = percentiles(latencies)
    sent_total = len(latencies)
    return {
        "requests": sent_total,
        "errors": len(errors),
        "error_samples": errors[:3],
        "rps": sent_total / elapsed if elapsed else 0.0,
        "p50_ms": p50,
        "p95_ms": p95,
        "p99_ms": p99,
        "status": 302 if server_ms else 0,
        "bytes": len(body),
        "queries": max(queries) if queries else -1,
        "cpu_ms_per_request": cpu * 1000 / max(sent_total, 1),
        "peak_worker_mib": peak_memory(workers) / 2**20,
        "worker_mib_before": rss_before / 2**20,
        "server_ms_max": max(server_ms) if server_ms else float("nan"),
        "server_ms_mean": sum(server_ms) / len(server_ms) if server_ms else float("nan"),
        # The worker's own CPU for the request: on a shared machine wall time also counts waiting for a core.
        "server_cpu_ms_max": max(server_cpu_ms) if server_cpu_ms else float("nan"),
        "photos": len(photos),
        "photo_mib": [round(p.stat().st_size / 2**20, 2) for p in photos],
    }


def run_django_command(env, root, python):
    def run(args):
        result = subprocess.run(
            [python, "bench/datasets.py", *args], cwd=root, env=env, capture_output=True, text=True, timeout=300
        )
        if result.returncode:
            raise SystemExit(result.stdout + result.stderr)
        return result.stdout

    return run


def run_clients(client, concurrency):
    """Run `client` in `concurrency` threads at once; the seconds until the last one ends."""
    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started
