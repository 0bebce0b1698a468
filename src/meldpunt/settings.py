"""Django settings. Everything a deployment changes comes from the environment.

- ``DATABASE_URL``: ``postgres://user:pass@host:port/name`` for PostgreSQL; unset means the
  embedded SQLite database in ``$MELDPUNT_DATA/meldpunt.sqlite3``.
- ``MELDPUNT_SECRET_KEY``, ``MELDPUNT_DEBUG`` (1/0), ``MELDPUNT_ALLOWED_HOSTS`` (comma list).

No state lives in a process: sessions, tasks and caches are in the database, so any
number of web processes and workers can share one PostgreSQL.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("MELDPUNT_DATA", Path.cwd() / "var"))

SECRET_KEY = os.environ.get("MELDPUNT_SECRET_KEY", "dev-only-not-secret-change-me-in-production-please")
DEBUG = os.environ.get("MELDPUNT_DEBUG", "1") == "1"
ALLOWED_HOSTS = os.environ.get("MELDPUNT_ALLOWED_HOSTS", "localhost,127.0.0.1,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks_db",
    "axes",
    "meldpunt.contracts",
    "meldpunt.tickets",
    "meldpunt.intake",
    "meldpunt.bookings",
    "meldpunt.billing",
    "meldpunt.triage",
    "meldpunt.knowledge",
    "meldpunt.reports",
    "meldpunt.api",
    "meldpunt.web",
    "meldpunt.desk",
    "meldpunt.escalation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "meldpunt.web.middleware.BodyLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the 429 login page
]

ROOT_URLCONF = "meldpunt.urls"
WSGI_APPLICATION = "meldpunt.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]


def database_from_env() -> dict:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "meldpunt.sqlite3",
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"},
        }
    parsed = urlparse(url)
    if parsed.scheme not in ("postgres", "postgresql"):
        raise ValueError(f"DATABASE_URL must be postgres://…, not {parsed.scheme}://")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": parsed.path.lstrip("/") or "postgres",
        "USER": unquote(parsed.username or ""),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": parsed.hostname or "",
        "PORT": str(parsed.port or ""),
        "CONN_MAX_AGE": 60,
    }


DATABASES = {"default": database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# ---------------------------------------------------------------- accounts and access (docs/deploy.md)
# Logins are guarded by django-axes: AXES_FAILURE_LIMIT failed logins from one client address
# (whatever user names it tries) lock that address for the cool-off time; a success clears
# that user name's own failures. The login page then answers 429 with meldpunt.web.lockout's message.
AUTHENTICATION_BACKENDS = [
    "meldpunt.web.lockout.AxesBackend",  # axes' own, for requests (a script's login has none)
    "django.contrib.auth.backends.ModelBackend",
]
#: How many reverse proxies in front of Meldpunt append to X-Forwarded-For (0: none, the peer
#: address is the client). Only then is the header believed (meldpunt.clientip).
MELDPUNT_TRUSTED_PROXIES = int(os.environ.get("MELDPUNT_TRUSTED_PROXIES", "0"))
AXES_CLIENT_IP_CALLABLE = "meldpunt.clientip.client_ip"
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_FAILURE_LIMIT = int(os.environ.get("MELDPUNT_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("MELDPUNT_LOGIN_COOLOFF_MINUTES", "15")))
AXES_RESET_ON_SUCCESS = False  # a success forgives only its own user name (web.lockout)
AXES_LOCKOUT_CALLABLE = "meldpunt.web.lockout.locked_out"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",  # older hashes still verify, then upgrade
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# API and public-form throttles (django-ninja's throttles: meldpunt.api.throttles per user,
# meldpunt.web.throttle per address on the public booking form): counters
# live in the cache, which is the database so that every web process shares them (the table
# is made by migration escalation 0003). Rates are "N/s|min|hour|day".
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "meldpunt_cache",
    },
}
NINJA_NUM_PROXIES = MELDPUNT_TRUSTED_PROXIES
MELDPUNT_API_RATE = os.environ.get("MELDPUNT_API_RATE", "1200/min")  # per user (token or session)
MELDPUNT_BOOKING_RATE = os.environ.get("MELDPUNT_BOOKING_RATE", "20/hour")
#: Days an API token issued without --expires stays valid (0: no expiry).
MELDPUNT_TOKEN_DAYS = int(os.environ.get("MELDPUNT_TOKEN_DAYS", "0"))
# ---------------------------------------------------------------- end accounts and access

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("nl", _("Dutch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Amsterdam"
USE_TZ = True

STATIC_URL = "static/"
# Where `collectstatic` writes (hashed, compressed copies); MELDPUNT_STATIC_ROOT for a shared folder.
STATIC_ROOT = Path(os.environ.get("MELDPUNT_STATIC_ROOT", DATA_DIR / "static"))
# htmx and Chart.js are committed copies in meldpunt/web/static/vendor/ (`make assets` refreshes
# them from npm at the versions pinned in package.json), so an installed wheel serves them; no CDN.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names (a manifest), so browsers may cache them forever; needs `collectstatic`.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Mail out through Django's mailers (MAILERS, Django 6.1): SMTP by default with
# MELDPUNT_SMTP_HOST/PORT/USER/PASSWORD and MELDPUNT_SMTP_TLS=1; `make run` writes mail to
# files in $MELDPUNT_DATA/mail instead (MELDPUNT_EMAIL_BACKEND).
_MAIL_BACKEND = os.environ.get("MELDPUNT_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
if _MAIL_BACKEND.endswith("smtp.EmailBackend"):
    _MAIL_OPTIONS = {
        "host": os.environ.get("MELDPUNT_SMTP_HOST", "localhost"),
        "port": int(os.environ.get("MELDPUNT_SMTP_PORT", "25")),
        "username": os.environ.get("MELDPUNT_SMTP_USER", ""),
        "password": os.environ.get("MELDPUNT_SMTP_PASSWORD", ""),
        "use_tls": os.environ.get("MELDPUNT_SMTP_TLS", "0") == "1",
        "timeout": 20,
    }
elif _MAIL_BACKEND.endswith("filebased.EmailBackend"):
    _MAIL_OPTIONS = {"file_path": str(DATA_DIR / "mail")}
else:
    _MAIL_OPTIONS = {}
MAILERS = {"default": {"BACKEND": _MAIL_BACKEND, "OPTIONS": _MAIL_OPTIONS}}
MELDPUNT_MAIL_FROM = os.environ.get("MELDPUNT_MAIL_FROM", "support@meldpunt.test")
#: Mails per sender per hour; beyond it mail is held for an agent to release or discard
#: (no mail loops; a forged flood never silences a contact). intake/flood.py.
MELDPUNT_MAIL_THROTTLE_PER_HOUR = int(os.environ.get("MELDPUNT_MAIL_THROTTLE_PER_HOUR", "30"))

# Attachments (docs/intake.md, meldpunt.intake.attachments): the largest file kept apart, and
# quotas per request (ticket) and per organisation in 24 hours. Mail over a quota keeps its
# files inside the raw message; the portal form says which file does not fit.
_MIB = 1024 * 1024
MELDPUNT_MAX_ATTACHMENT_BYTES = int(os.environ.get("MELDPUNT_MAX_ATTACHMENT_BYTES", 25 * _MIB))
MELDPUNT_TICKET_ATTACHMENT_COUNT = int(os.environ.get("MELDPUNT_TICKET_ATTACHMENT_COUNT", "50"))
MELDPUNT_TICKET_ATTACHMENT_BYTES = int(os.environ.get("MELDPUNT_TICKET_ATTACHMENT_BYTES", 250 * _MIB))
MELDPUNT_DAILY_ATTACHMENT_COUNT = int(os.environ.get("MELDPUNT_DAILY_ATTACHMENT_COUNT", "200"))
MELDPUNT_DAILY_ATTACHMENT_BYTES = int(os.environ.get("MELDPUNT_DAILY_ATTACHMENT_BYTES", 1024 * _MIB))
# Uploads above 2.5 MB go to a temporary file, never to memory; form fields other than files
# may take 2.5 MB in all. A request body larger than MELDPUNT_MAX_REQUEST_BYTES (a request's
# attachment quota plus room for the form) answers 413 before it is read
# (meldpunt.web.middleware.BodyLimitMiddleware).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
MELDPUNT_MAX_REQUEST_BYTES = int(os.environ.get("MELDPUNT_MAX_REQUEST_BYTES",
                                                MELDPUNT_TICKET_ATTACHMENT_BYTES + 10 * _MIB))

#: Confirmations per hour to senders who are no contact: per address, and all together.
#: Beyond them the request is registered, not confirmed.
MELDPUNT_CONFIRM_UNKNOWN_PER_ADDRESS = int(os.environ.get("MELDPUNT_CONFIRM_UNKNOWN_PER_ADDRESS", "3"))
MELDPUNT_CONFIRM_UNKNOWN_PER_HOUR = int(os.environ.get("MELDPUNT_CONFIRM_UNKNOWN_PER_HOUR", "100"))

# ---------------------------------------------------------------- retention (docs/deploy.md)
# The scheduler's daily "prune" job (and `meldpunt prune` by hand) deletes rows older than
# this many days, per kind, MELDPUNT_PRUNE_CHUNK rows per short transaction
# (meldpunt.escalation.retention). Each is overridden by MELDPUNT_KEEP_<KIND>_DAYS.
MELDPUNT_KEEP_DAYS = {
    kind: int(os.environ.get(f"MELDPUNT_KEEP_{kind.upper()}_DAYS", default))
    for kind, default in (("task_results", 30), ("schedule_rows", 30), ("login_attempts", 30),
                          ("worker_beats", 7), ("sessions", 0))
}
MELDPUNT_PRUNE_CHUNK = int(os.environ.get("MELDPUNT_PRUNE_CHUNK", "1000"))
# ---------------------------------------------------------------- end retention
