"""Settings shared by every environment; each value that differs between machines comes from the environment."""

from datetime import timedelta
from pathlib import Path

import environ

from django.utils.translation import gettext_lazy as _

SITE_DIR = Path(__file__).resolve().parent.parent.parent
BASE_DIR = SITE_DIR.parent

env = environ.Env()

SECRET_KEY = env("SECRET_KEY", default="")
DEBUG = False
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "accounts",
    "operations",
    "home",
    "outbox",
    "exemplar_pages",
    "contest",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.table_block",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v2",
    "wagtail",
    "modelcluster",
    "taggit",
    "rest_framework",
    "django_recaptcha",
    "rules.apps.AutodiscoverRulesConfig",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "home.page_cache.AnonymousPageCacheMiddleware",
    # After the page cache (a hit needs no site); before anything that asks Wagtail for the request's site.
    "home.fragments.CurrentSiteMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.StaffTwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.ContentSecurityPolicyMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# SQLite beside the code unless DATABASE_URL names another database (PostgreSQL in production).
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets readers continue while one request writes; the timeout rides out short write bursts.
    # IMMEDIATE transactions take the write lock when they begin, so two writers queue instead of one failing
    # with "database is locked" when it upgrades a read to a write (receipt numbers, votes).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def cache_from_environment(default="locmemcache://"):
    """CACHE_URL wins; REDIS_URL is accepted as the common shorthand; local memory otherwise."""
    if env.str("CACHE_URL", default=""):
        return env.cache("CACHE_URL")
    if env.str("REDIS_URL", default=""):
        return env.cache_url_config(env.str("REDIS_URL"))
    return env.cache_url_config(default)


CACHES = {"default": cache_from_environment()}

# Full-page cache for anonymous readers (home.page_cache); 0 turns it off. Invalidated on every publish.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600)
PAGE_CACHE_EXCLUDED_PREFIXES = ["/admin/", "/healthz", "/api/", "/documents/"]
# Cached menu, footer, current site and blocks of pages (home.fragments), renewed with the page cache; 0: off.
FRAGMENT_CACHE_SECONDS = env.int("FRAGMENT_CACHE_SECONDS", default=600)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Vietnamese first: the only language readers see; the admin may switch to English per user.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese"))]
WAGTAILADMIN_PERMITTED_LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Our own strings first, then our completion of Wagtail's admin catalogues (one folder per Wagtail app).
LOCALE_PATHS = [
    BASE_DIR / "locale",
    *sorted(p for p in (BASE_DIR / "locale" / "wagtail").glob("*") if p.is_dir()),
]
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_ROOT = BASE_DIR / "static"
STATIC_URL = "/static/"
STATICFILES_DIRS = [SITE_DIR / "assets"]

MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = env.str("MEDIA_URL", default="/media/")
# Contest submissions never live under MEDIA_ROOT: nothing serves this folder; a view checks permissions.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private_media")))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Never a half-written file after a failed write (disk full): see contest.storage.
    "private": {
        "BACKEND": "contest.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if env.str("MEDIA_BUCKET", default=""):
    # Any S3-compatible object store; the bucket's other settings are read by django-storages from AWS_*.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("MEDIA_BUCKET"),
            "endpoint_url": env.str("MEDIA_ENDPOINT_URL", default=None),
            "custom_domain": env.str("MEDIA_CUSTOM_DOMAIN", default=None),
            "querystring_auth": False,
            "file_overwrite": False,
        },
    }
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("PRIVATE_MEDIA_BUCKET", default=env.str("MEDIA_BUCKET")),
            "endpoint_url": env.str("MEDIA_ENDPOINT_URL", default=None),
            "location": "private",
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Gương người tốt quanh ta <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# reCAPTCHA: off unless switched on (production switches it on and requires keys).
RECAPTCHA_ENABLED = env.bool("RECAPTCHA_ENABLED", default=False)
RECAPTCHA_PUBLIC_KEY = env.str("RECAPTCHA_PUBLIC_KEY", default="")
RECAPTCHA_PRIVATE_KEY = env.str("RECAPTCHA_PRIVATE_KEY", default="")
RECAPTCHA_DOMAIN = env.str("RECAPTCHA_DOMAIN", default="www.google.com")
# django-recaptcha's test-key warning is an error that blocks `check`; the keys are checked at start-up instead.
SILENCED_SYSTEM_CHECKS = ["django_recaptcha.recaptcha_test_key_error"]

# Contest submissions: attempts allowed per client address (config.middleware.client_ip) and hour.
CONTEST_SUBMISSIONS_PER_HOUR = env.int("CONTEST_SUBMISSIONS_PER_HOUR", default=20)

# Readers' vote (contest/services/voting.py). Rate limits are (requests, seconds), kept in the cache: use Redis in
# production so every worker shares them. The reader's address is config.middleware.client_ip (TRUSTED_PROXY_COUNT).
VOTE_RATE_LIMIT_PER_IP = (env.int("VOTE_RATE_LIMIT_PER_IP", default=20), 3600)
VOTE_RATE_LIMIT_PER_EMAIL = (env.int("VOTE_RATE_LIMIT_PER_EMAIL", default=5), 3600)
VOTE_CONFIRMATION_MINUTES = 30
VOTE_CODE_ATTEMPTS = 5
VOTE_COUNTS_CACHE_SECONDS = 300
# The audit's suspicious patterns: N votes from one /24 (/64) network within M minutes, N new addresses on one
# domain within M minutes, one browser signature shared by N voters.
VOTE_AUDIT_NETWORK_VOTES, VOTE_AUDIT_NETWORK_MINUTES = 10, 10
VOTE_AUDIT_DOMAIN_VOTERS, VOTE_AUDIT_DOMAIN_MINUTES = 10, 10
VOTE_AUDIT_AGENT_VOTERS = 20

# Wagtail
WAGTAIL_SITE_NAME = "Gương điển hình tiên tiến Tây Ninh"
WAGTAILADMIN_BASE_URL = env.str("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_I18N_ENABLED = False
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 64_000_000
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "doc", "xlsx", "xls", "odt", "ods", "txt", "csv"]
WAGTAILEMBEDS_RESPONSIVE_HTML = True
WAGTAILAPI_BASE_URL = WAGTAILADMIN_BASE_URL
WAGTAILAPI_LIMIT_MAX = 50
WAGTAILADMIN_RICH_TEXT_EDITORS = {
    "default": {
        "WIDGET": "wagtail.admin.rich_text.DraftailRichTextArea",
        "OPTIONS": {"features": ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link", "image"]},
    }
}

REST_FRAMEWORK = {"DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]}

AUTHENTICATION_BACKENDS = [
    # First, so a locked-out username and address is refused before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LOGIN_URL = "wagtailadmin_login"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        # Wagtail logs every page action and every inline background task at INFO: the audit log keeps them.
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}

# --- Security: login throttling, two-factor authentication for staff, browser policies. -------------------------
# Reverse proxies in front of the app that append the client's address to X-Forwarded-For (0: none, development).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# django-axes: five wrong passwords for one username from one address lock that pair out for 30 minutes.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.lockout"
AXES_CLIENT_IP_CALLABLE = "config.middleware.client_ip"
AXES_USERNAME_FORM_FIELD = "username"
AXES_SENSITIVE_PARAMETERS = ["password"]
AXES_VERBOSE = False

# Two-factor authentication (django-otp): every user who may enter the admin confirms a TOTP code after the
# password. Off in development and tests by default; production switches it on.
STAFF_2FA_REQUIRED = env.bool("STAFF_2FA_REQUIRED", default=False)
# Paths a staff user reaches only after the second factor (the contest's private files may add theirs).
STAFF_2FA_PROTECTED_PATH_PREFIXES = ["/admin/"]
STAFF_2FA_BACKUP_CODE_COUNT = 10
OTP_TOTP_ISSUER = "Gương điển hình Tây Ninh"

# Content Security Policy (django-csp): no inline script anywhere, nothing loaded from another origin except
# reCAPTCHA (when on), embedded videos and the media bucket.
_media_origins = []
if env.str("MEDIA_CUSTOM_DOMAIN", default=""):
    _media_origins.append("https://" + env.str("MEDIA_CUSTOM_DOMAIN"))
elif env.str("MEDIA_ENDPOINT_URL", default=""):
    _media_origins.append(env.str("MEDIA_ENDPOINT_URL").rstrip("/"))
_recaptcha_scripts = [f"https://{RECAPTCHA_DOMAIN}/recaptcha/", "https://www.gstatic.com/recaptcha/"]
_embed_frames = ["https://www.youtube.com", "https://www.youtube-nocookie.com", "https://www.facebook.com"]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", *(_recaptcha_scripts if RECAPTCHA_ENABLED else [])],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *_media_origins],
        "media-src": ["'self'", *_media_origins],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'", *_embed_frames, *([f"https://{RECAPTCHA_DOMAIN}"] if RECAPTCHA_ENABLED else [])],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# The Wagtail admin: no inline script either. Wagtail 8.0 writes a few (date and time choosers, inline panels,
# chooser widgets); our templates (templates/wagtailadmin/widgets, panels) and config.admin_csp write them as
# inert JSON that assets/js/admin-init.js runs. The admin keeps inline styles (Wagtail sets style attributes
# throughout) and previews images from blob: URLs before upload; the preview may be framed by the admin itself.
CSP_ADMIN_PATH_PREFIXES = ["/admin/"]
CONTENT_SECURITY_POLICY_ADMIN = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", *_media_origins],
        "frame-ancestors": ["'self'"],
    }
}
PERMISSIONS_POLICY_DISABLED_FEATURES = [
    "accelerometer",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "usb",
]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
