"""gunicorn's settings in production and under `make bench`: workers, timeouts, and memory handed back to the OS.

Run from the project root: `gunicorn -c site/config/gunicorn.conf.py`. Command-line options override these.
"""

import ctypes
import os
from pathlib import Path

SITE_DIR = Path(__file__).resolve().parent.parent

wsgi_app = "config.wsgi:application"
chdir = str(SITE_DIR)
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: 2 × cores + 1 is gunicorn's advice; the province's server has 2 cores.
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# A submission with five 5 MB photos takes a few seconds of CPU on a slow core: well inside this.
timeout = 60
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests (spread so they do not all restart at once): whatever memory a
# worker kept despite the settings below is given back regularly. 0 turns it off (the benchmark does).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
# Behind the reverse proxy on loopback: the proxy's X-Forwarded-* headers are trusted only from there.
forwarded_allow_ips = "127.0.0.1"
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"

# glibc's mallopt() parameters (malloc.h).
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8

# Blocks from this size up are mmapped, so freeing them returns them to the OS at once. glibc's own threshold
# grows up to 32 MiB as large blocks are freed, after which a photo's decoded pixels (tens of MB) stay in the heap
# of a worker that may never need them again: a worker stayed at 199 MiB after one submission of five photos.
MMAP_THRESHOLD = 128 * 1024
# Beyond the first free 128 KiB at the top of the heap, glibc gives memory back (the default, made fixed: setting
# the mmap threshold otherwise leaves this one dynamic too).
TRIM_THRESHOLD = 128 * 1024
# One arena per thread multiplies what freed memory a worker keeps; two are plenty for a few threads.
ARENA_MAX = 2


def glibc():
    """The C library when it is glibc (mallopt and malloc_trim exist), else None: musl, macOS and others."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return None
    if not all(hasattr(libc, name) for name in ("mallopt", "malloc_trim", "gnu_get_libc_version")):
        return None
    return libc


def tune_malloc(libc=None):
    """Make big freed blocks go back to the OS; returns the settings applied ({} off glibc, where it does nothing)."""
    libc = libc or glibc()
    if libc is None:
        return {}
    wanted = {M_MMAP_THRESHOLD: MMAP_THRESHOLD, M_TRIM_THRESHOLD: TRIM_THRESHOLD, M_ARENA_MAX: ARENA_MAX}
    # mallopt returns 1 on success, 0 on error.
    return {param: value for param, value in wanted.items() if libc.mallopt(param, value) == 1}


def post_fork(server, worker):
    """In each worker, before it imports the site: the allocator's settings hold for everything it then loads."""
    applied = tune_malloc()
    server.log.debug("Worker %s: malloc settings %s", worker.pid, applied or "unchanged (not glibc)")
