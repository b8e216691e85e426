"""Settings for motcua, read from environment variables with safe defaults.

Every setting a deployment may change is an environment variable (see README, "Configuration").
Without any, the system runs on SQLite and local files under ``var/``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("MOTCUA_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    """The key from ``DJANGO_SECRET_KEY``; otherwise one generated once and kept in ``var/``.

    Several app servers must share one key: set the variable in production.
    """
    if key := os.environ.get("DJANGO_SECRET_KEY"):
        return key
    path = VAR_DIR / "secret.key"
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.environ.get("MOTCUA_SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "motcua.apps.MotcuaAdminConfig",  # django.contrib.admin with motcua's admin site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Only for its templates and static files: the API docs page then takes swagger-ui from our own
    # static files instead of a CDN (and without an inline script).
    "ninja",
    "simple_history",
    "kernel",
    "accounts",
    "organization",
    "worktime",
    "catalog",
    "outbox",
    "dossiers",
    "documents",
    "reports",
    "kiosk",
    "audit",
    "serviceindex",
    "targets",
    "integrations",
    "notices",
    "jobs",
    # Background tasks (docs/adr/0022): Django's tasks API (the backport) and its database backend.
    "django_tasks",
    "django_tasks_db",
    "web",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before XFrameOptionsMiddleware: reads the X-Frame-Options it sets to write frame-ancestors.
    "motcua.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Reads only its own cookie (against a fixed list); first, so the boundary's refusals are translated.
    "motcua.middleware.LanguageMiddleware",
    # Before the session and authentication: no unchecked text reaches a view or the database.
    "motcua.middleware.InputBoundaryMiddleware",
    # The request's memo (kernel.memo): the caller's memberships and the agency tree read once.
    "kernel.memo.RequestMemoMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "motcua.urls"
WSGI_APPLICATION = "motcua.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "web.context.site",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL names another (postgres://user@host:5432/name).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compilation costs ~100 ms on the inbox's plans and saves nothing on OLTP queries.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # IMMEDIATE transactions and WAL: concurrent writers wait for the lock instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests use a file too: an in-memory shared-cache database fails concurrent writers at once
    # ("table is locked") instead of queueing them like the real file does.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-db-{os.getpid()}.sqlite3")}

# Background tasks (docs/adr/0022): queued as rows of the database (django_tasks_db), in the transaction that
# asks for them, and run by `manage.py run_tasks` (one or more processes), which also keeps the schedule of
# the periodic jobs (jobs/schedule.py).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

AUTH_USER_MODEL = "accounts.User"
# Django's model backend, the session's user read with the memberships in one statement
# (accounts.reading). Sessions made before under django.contrib.auth's ModelBackend end once.
AUTHENTICATION_BACKENDS = ["accounts.backends.UserBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Staff and administrators: at least 12 characters (accounts/passwords.py).
    {"NAME": "accounts.passwords.StaffMinimumLengthValidator", "OPTIONS": {"min_length": 12}},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"

# Vietnamese first; English available. All instants are stored in UTC.
LANGUAGE_CODE = os.environ.get("MOTCUA_LANGUAGE", "vi")
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("MOTCUA_TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MOTCUA_MEDIA_ROOT", VAR_DIR / "media"))

# File storage: local folder by default; any S3-compatible store when MOTCUA_S3_BUCKET is set.
if os.environ.get("MOTCUA_S3_BUCKET"):
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["MOTCUA_S3_BUCKET"],
            "endpoint_url": os.environ.get("MOTCUA_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("MOTCUA_S3_REGION") or None,
            "access_key": os.environ.get("MOTCUA_S3_ACCESS_KEY") or None,
            "secret_key": os.environ.get("MOTCUA_S3_SECRET_KEY") or None,
            "file_overwrite": False,
            "default_acl": None,
            "querystring_auth": True,
        },
    }
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT)},
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedStaticFilesStorage"
    },
}
# `make run` and the tests serve the static files straight from the apps. `make serve` collects them
# into STATIC_ROOT (compressed: gzip and Brotli) and says so with MOTCUA_STATIC_COLLECTED=1; WhiteNoise
# then serves the collected files and their compressed forms (finders would shadow them).
WHITENOISE_USE_FINDERS = not env_bool("MOTCUA_STATIC_COLLECTED", False)
# Source maps (4.6 MB of swagger-ui's and redoc's) are for a developer's tools: compressing them
# doubled collectstatic's time at every `make serve`.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")
WHITENOISE_AUTOREFRESH = DEBUG

# Cache: per process by default (only for recomputable lists); REDIS_URL shares it between app
# servers. Counters that must be shared (login throttling, rate limits) never use a per-process cache:
# kernel/ratelimit.py counts in Redis when REDIS_URL is set and in the database otherwise.
# Out of reach, Redis is a cache miss (kernel.cache.ForgivingRedisCache) and the counters go to the
# database, logged; its keys start with MOTCUA_CACHE_PREFIX, so that installations can share one Redis.
REDIS_URL = os.environ.get("REDIS_URL", "")
MOTCUA_CACHE_PREFIX = os.environ.get("MOTCUA_CACHE_PREFIX", "motcua")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "kernel.cache.ForgivingRedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": MOTCUA_CACHE_PREFIX,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# HTTPS. DJANGO_SECURE_COOKIES=1 means the site is served over HTTPS only: cookies are sent only over
# it, plain-HTTP requests are redirected to it and browsers are told (HSTS) never to use HTTP again.
# `make run` serves plain HTTP on 127.0.0.1, so the default is off.
SECURE_COOKIES = env_bool("DJANGO_SECURE_COOKIES", False)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", SECURE_COOKIES)
# A load balancer probes the health page over plain HTTP inside the data centre.
SECURE_REDIRECT_EXEMPT = [r"^suc-khoe/$"]
# One year; set a few minutes first when switching an existing site to HTTPS, then raise it.
SECURE_HSTS_SECONDS = int(os.environ.get("MOTCUA_HSTS_SECONDS", "31536000")) if SECURE_COOKIES else 0
# The portal's own host name and its subdomains (a government portal has no plain-HTTP subdomain to
# keep). "preload" lets the domain be submitted to the browsers' built-in HSTS lists; the flag alone
# enrols nothing, and it only counts when the registrable domain itself sends it.
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy of every HTML page (motcua.middleware.SecurityHeadersMiddleware): scripts and
# styles only from our own static files — no inline <script>, no on…= handler, no style attribute, no
# eval (htmx runs with allowEval off). Images may be data: URIs (the API docs' icons). The admin and
# the API docs (swagger-ui, vendored by django-ninja) work under it, tested in a browser.
MOTCUA_CSP: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
}
# Browser features no page uses (Permissions-Policy): denied to the site and anything it frames.
MOTCUA_PERMISSIONS_DENIED = ["camera", "microphone", "geolocation", "payment", "usb"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("MOTCUA_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint and fontTools narrate every rendering step at INFO.
        "weasyprint": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # pyHanko logs a traceback for every untrusted signature it is asked to verify.
        "pyhanko": {"level": "ERROR"},
        "pyhanko_certvalidator": {"level": "ERROR"},
    },
}

# Domain configuration.
# Working windows (docs/domain.md §4): "HH:MM-HH:MM" separated by commas, Monday to Friday.
MOTCUA_WORK_WINDOWS = os.environ.get("MOTCUA_WORK_WINDOWS", "08:00-12:00,13:00-17:00")
# API tokens expire after this many days.
MOTCUA_API_TOKEN_DAYS = int(os.environ.get("MOTCUA_API_TOKEN_DAYS", "30"))
# The province this installation serves (statistics-office code; Hưng Yên is 33).
MOTCUA_PROVINCE_CODE = os.environ.get("MOTCUA_PROVINCE_CODE", "33")
MOTCUA_SITE_NAME = os.environ.get("MOTCUA_SITE_NAME", "Cổng dịch vụ công")
# EMC, the national measurement system (integrations/emc): both unset, it is off.
MOTCUA_EMC_URL = os.environ.get("MOTCUA_EMC_URL", "")
MOTCUA_EMC_SITE_ID = os.environ.get("MOTCUA_EMC_SITE_ID", "")
# The national portal (integrations/dvcqg, ../shared/INTEGRATIONS.md): unset, the dossier sync is off and its
# messages wait in the outbox. The password comes from the environment only.
MOTCUA_DVCQG_AUTH_URL = os.environ.get("MOTCUA_DVCQG_AUTH_URL", "")
MOTCUA_DVCQG_API_URL = os.environ.get("MOTCUA_DVCQG_API_URL", "")
MOTCUA_DVCQG_USERNAME = os.environ.get("MOTCUA_DVCQG_USERNAME", "")
MOTCUA_DVCQG_PASSWORD = os.environ.get("MOTCUA_DVCQG_PASSWORD", "")
MOTCUA_DVCQG_DSTCODE = os.environ.get("MOTCUA_DVCQG_DSTCODE", "")
# The bearer token the portal's coordination system presents when it pushes a dossier filed on the portal
# (POST /api/v1/portal/inbound, integrations/dvcqg/inbound.py): unset, that endpoint answers 503.
MOTCUA_DVCQG_INBOUND_TOKEN = os.environ.get("MOTCUA_DVCQG_INBOUND_TOKEN", "")
# Days the exchange log with the partners (integrations.models.Exchange, about three lines per dossier event)
# keeps a line: the nightly retention job (jobs/schedule.py) deletes older ones.
MOTCUA_EXCHANGE_LOG_DAYS = int(os.environ.get("MOTCUA_EXCHANGE_LOG_DAYS", "400"))
# Days the background task queue keeps a finished task's row (django_tasks_db): what a task did is on its
# job's run or its reconciliation run, so a month is for looking into a worker's trouble. The nightly job
# prune_task_results deletes older ones (jobs/schedule.py).
MOTCUA_TASK_RESULT_DAYS = int(os.environ.get("MOTCUA_TASK_RESULT_DAYS", "30"))
# Days the periodic jobs' runs are kept (the admin's history of what ran; about five a day); the same job
# deletes older ones, never a job's latest.
MOTCUA_JOB_RUN_DAYS = int(os.environ.get("MOTCUA_JOB_RUN_DAYS", "400"))
# Days a signed download link sent to the portal for a paper or result keeps working (integrations/dvcqg/links.py).
MOTCUA_PORTAL_LINK_DAYS = int(os.environ.get("MOTCUA_PORTAL_LINK_DAYS", "30"))
# The SMS gateway (integrations/sms): unset, notices go by e-mail and the portal's inbox only.
MOTCUA_SMS_URL = os.environ.get("MOTCUA_SMS_URL", "")
MOTCUA_SMS_TOKEN = os.environ.get("MOTCUA_SMS_TOKEN", "")
# E-mail (notices to applicants, notices/channels.py): Django's EMAIL_* settings from the environment;
# EMAIL_HOST unset with the SMTP backend, e-mail is off and the notices say so.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
# For EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend (what `make run` uses): one file per
# message in this folder.
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = float(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "khong-tra-loi@motcua.local")
# Seconds to wait for a partner's answer before the call counts as timed out and is retried later.
MOTCUA_PARTNER_TIMEOUT_SECONDS = float(os.environ.get("MOTCUA_PARTNER_TIMEOUT_SECONDS", "10"))
# Uploads: size per file (MB), PDF pages, and pixels per image or scanned page (millions), checked
# from the header before anything is decoded (documents/validation/images.py).
MOTCUA_UPLOAD_MAX_MB = int(os.environ.get("MOTCUA_UPLOAD_MAX_MB", "20"))
MOTCUA_UPLOAD_MAX_PAGES = int(os.environ.get("MOTCUA_UPLOAD_MAX_PAGES", "300"))
MOTCUA_UPLOAD_MAX_MEGAPIXELS = int(os.environ.get("MOTCUA_UPLOAD_MAX_MEGAPIXELS", "40"))
# Logins (accounts/login_guard.py), web and API together. Failed attempts (a wrong password or code)
# allowed per client address: "N/s", "N/m", "N/h", "N/d" or "N/<seconds>".
MOTCUA_LOGIN_RATE = os.environ.get("MOTCUA_LOGIN_RATE", "60/h")
# After this many attempts on one account without a success, the account refuses every login, the right
# password included, for MOTCUA_LOGIN_LOCKOUT_MINUTES.
MOTCUA_LOGIN_LOCKOUT_FAILURES = int(os.environ.get("MOTCUA_LOGIN_LOCKOUT_FAILURES", "10"))
MOTCUA_LOGIN_LOCKOUT_MINUTES = int(os.environ.get("MOTCUA_LOGIN_LOCKOUT_MINUTES", "15"))
# Look-ups that are public or reveal personal data, same format as MOTCUA_LOGIN_RATE. Per client
# address: the public dossier look-up (/tra-cuu/, GET /api/v1/public/dossiers/{code}, the kiosk's
# look-up screen) and the kiosk's tickets — a kiosk is one address, so its rate must stay above a
# centre's busiest minute. Per officer: the counter's look-up of an applicant by CCCD or tax code.
MOTCUA_LOOKUP_RATE = os.environ.get("MOTCUA_LOOKUP_RATE", "30/m")
MOTCUA_KIOSK_TICKET_RATE = os.environ.get("MOTCUA_KIOSK_TICKET_RATE", "30/m")
MOTCUA_APPLICANT_LOOKUP_RATE = os.environ.get("MOTCUA_APPLICANT_LOOKUP_RATE", "60/h")
# Reads of personal data by staff are logged (audit/services.py); the same read by the same person within
# this many seconds is logged once, so reloading a page does not flood the log. 0 logs every read.
MOTCUA_ACCESS_LOG_WINDOW_SECONDS = int(os.environ.get("MOTCUA_ACCESS_LOG_WINDOW_SECONDS", "300"))
# The outbox worker (outbox/worker.py, docs/adr/0016): a message that failed this many times goes to the
# dead letters for an administrator (20 attempts: the back-off's waits add up to about 14 hours, so a
# partner down overnight loses nothing; the delivery benchmark's outage run showed 8 — about an hour — too few); a worker holds the messages it claimed for this many seconds (another
# takes over a message whose worker stopped once that time is past; a handler must finish well within it).
MOTCUA_OUTBOX_MAX_ATTEMPTS = int(os.environ.get("MOTCUA_OUTBOX_MAX_ATTEMPTS", "20"))
MOTCUA_OUTBOX_LEASE_SECONDS = int(os.environ.get("MOTCUA_OUTBOX_LEASE_SECONDS", "300"))
# The back-off between attempts (30 s doubling to 1 h) multiplied by this: 1 in production; the delivery
# benchmark (bench/outbox_delivery.py) runs simulated time faster with e.g. 1/60 (a minute per second).
MOTCUA_OUTBOX_BACKOFF_SCALE = float(os.environ.get("MOTCUA_OUTBOX_BACKOFF_SCALE", "1"))
# How many reverse proxies in front of the app servers append the client's address to
# X-Forwarded-For; 0 (default) trusts only the socket's address.
MOTCUA_TRUSTED_PROXIES = int(os.environ.get("MOTCUA_TRUSTED_PROXIES", "0"))
# Behind reverse proxies that terminate TLS the request reaches Django over HTTP: the scheme the client
# used is then the proxies' X-Forwarded-Proto, trusted only when MOTCUA_TRUSTED_PROXIES says they are
# there (otherwise the header is the client's to forge, like X-Forwarded-For). The outermost proxy must
# set it, overwriting what the client sent.
if MOTCUA_TRUSTED_PROXIES > 0:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Signing (documents/signing/): a local demo CA in the database issues each agency's signing
# certificate on first need. Turn off in production and import the agencies' real PKCS#12 files
# (manage.py import_signing_credential); the demo CA is then no longer trusted either.
MOTCUA_DEMO_PKI = env_bool("MOTCUA_DEMO_PKI", True)
# Demo mode: the demo staff's published second-factor secret is accepted and ``manage.py demo_otp``
# prints their codes. Off with MOTCUA_DEMO=0 — and by default whenever MOTCUA_DEMO_PKI=0 (production).
MOTCUA_DEMO = env_bool("MOTCUA_DEMO", MOTCUA_DEMO_PKI)
# PEM files (comma-separated paths) with the CA certificates whose signatures verification trusts,
# e.g. the Government CA (Ban Cơ yếu Chính phủ) root and intermediates.
MOTCUA_TRUSTED_CA_PEM = env_list("MOTCUA_TRUSTED_CA_PEM", "")
# The agency (code) whose signing certificate signs the daily anchor of the dossier history
# (manage.py anchor_history, ADR 0009); empty: the province's People's Committee.
MOTCUA_HISTORY_SIGNER = os.environ.get("MOTCUA_HISTORY_SIGNER", "")
