"""Production: refuses to start without its secrets; HTTPS only; PostgreSQL, Redis and object storage by URL."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CACHES, CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_ADMIN, DATABASES, STORAGES, env

DEBUG = False

_required = {
    "SECRET_KEY": env.str("SECRET_KEY", default=""),
    "ALLOWED_HOSTS": env.list("ALLOWED_HOSTS", default=[]),
    "RECAPTCHA_PUBLIC_KEY": env.str("RECAPTCHA_PUBLIC_KEY", default=""),
    "RECAPTCHA_PRIVATE_KEY": env.str("RECAPTCHA_PRIVATE_KEY", default=""),
}
_missing = [name for name, value in _required.items() if not value]
if _missing:
    raise ImproperlyConfigured("Production settings need these environment variables: " + ", ".join(_missing) + ".")
SECRET_KEY = _required["SECRET_KEY"]
ALLOWED_HOSTS = _required["ALLOWED_HOSTS"]
RECAPTCHA_ENABLED = env.bool("RECAPTCHA_ENABLED", default=True)
CSRF_TRUSTED_ORIGINS = env.list(
    "CSRF_TRUSTED_ORIGINS", default=[f"https://{host}" for host in ALLOWED_HOSTS if host[0] not in ".*"]
)

# HTTPS everywhere, behind a reverse proxy that terminates TLS and sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# The readers' vote rate-limits per address: read it from the proxy's X-Forwarded-For, not the proxy's own.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# A working day at most, and never beyond the browser's life: a shared office computer forgets the login.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Nosniff, Referrer-Policy, Cross-Origin-Opener-Policy, X-Frame-Options DENY (Wagtail's preview opts itself back
# in to SAMEORIGIN), the Content Security Policy and Permissions-Policy are set in base.py for every environment.
for _policy in (CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_ADMIN):
    _policy["DIRECTIVES"]["upgrade-insecure-requests"] = True

# nginx in front appends the visitor's address to X-Forwarded-For; login throttling counts per that address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)
# Everyone who can enter the admin signs in with a password and a one-time code.
STAFF_2FA_REQUIRED = env.bool("STAFF_2FA_REQUIRED", default=True)

DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}

if CACHES["default"]["BACKEND"].endswith("LocMemCache"):
    import warnings

    warnings.warn(
        "Production runs on a local-memory cache: set REDIS_URL so page cache and rate limits are shared.",
        stacklevel=1,
    )

LOGGING["root"]["level"] = env.str("LOG_LEVEL", default="WARNING")  # noqa: F405
