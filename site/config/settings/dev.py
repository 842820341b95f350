"""Development: one machine, SQLite, e-mail printed to the console, no captcha."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
# A development key only; production refuses to start without its own.
SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
# Developers see their template changes at once; the page cache is measured by `make bench`.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=0)
