"""Tests: fast hashing, local-memory cache (unless REDIS_URL/CACHE_URL is given), outbox e-mail, no captcha."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import DATABASES, STORAGES, env

DEBUG = False
SECRET_KEY = "test-only-key-0123456789-abcdefghijklmnopqrstuvwxyz"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
RECAPTCHA_ENABLED = False
# Tests share one cache across rolled-back transactions: cached pages would leak between tests.
PAGE_CACHE_SECONDS = 0

# Each test run writes uploads to its own throwaway folders, never to the developer's media/.
_TMP = Path(tempfile.mkdtemp(prefix="gnt-test-"))
MEDIA_ROOT = _TMP / "media"
PRIVATE_MEDIA_ROOT = _TMP / "private"
STORAGES["private"]["OPTIONS"]["location"] = str(PRIVATE_MEDIA_ROOT)
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

WAGTAILADMIN_BASE_URL = "http://testserver"

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not shared-cache memory: concurrency tests need real SQLite locking (WAL, busy timeout).
    DATABASES["default"]["TEST"] = {"NAME": str(_TMP / "test.sqlite3")}
LOGGING["root"]["level"] = env.str("LOG_LEVEL", default="WARNING")  # noqa: F405

# Other tests sign in with `client.login()`, which passes no request: django-axes would refuse it. The login
# throttling tests switch it back on.
AXES_ENABLED = False
STAFF_2FA_REQUIRED = False
