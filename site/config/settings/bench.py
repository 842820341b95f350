"""Benchmarks: production-like (DEBUG off, persistent connections, whitenoise, templates cached) on loopback.

Adds the baseline views (`/bench/bare`, `/bench/template`) and a per-response SQL query count header; never used
to serve readers.
"""

from .base import *  # noqa: F403
from .base import DATABASES, MIDDLEWARE, STORAGES, env

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY", default="bench-only-key-" + "x" * 40)
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "config.urls_bench"
MIDDLEWARE = ["config.bench_middleware.QueryCountMiddleware", *MIDDLEWARE]
DATABASES["default"].setdefault("CONN_MAX_AGE", 600)
STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
RECAPTCHA_ENABLED = False
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
LOGGING["root"]["level"] = "ERROR"  # noqa: F405
# Every benchmark client comes from 127.0.0.1: the per-address allowance would refuse the submission scenario.
CONTEST_SUBMISSIONS_PER_HOUR = 1_000_000
