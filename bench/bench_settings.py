"""Benchmark settings: the production settings as they are, plus a bare view to measure the machine's baseline."""

import os

from config.settings.production import *  # noqa: F403
from config.settings.production import CACHES, STORAGES

ROOT_URLCONF = "bench_urls"
# The benchmark talks plain HTTP on the loopback; production sits behind a TLS proxy instead.
SECURE_SSL_REDIRECT = False
# No collectstatic before a run: pages link static files by name instead of through the manifest.
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
# Each run has its own keys in a shared Redis: counts cached by an earlier run never leak into this one.
CACHES["default"]["KEY_PREFIX"] = os.environ.get("BENCH_CACHE_PREFIX", "")
