"""Django settings. Everything a deployment changes comes from the environment.

- ``DATABASE_URL``: ``postgres://user:pass@host:port/name`` for PostgreSQL; unset means the
  embedded SQLite database in ``$MELDPUNT_DATA/meldpunt.sqlite3``.
- ``MELDPUNT_SECRET_KEY``, ``MELDPUNT_DEBUG`` (1/0), ``MELDPUNT_ALLOWED_HOSTS`` (comma list),
  ``MELDPUNT_HTTPS`` and the rest of the production profile: docs/deploy.md.

No state lives in a process: sessions, tasks and caches are in the database, so any
number of web processes and workers can share one PostgreSQL.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from meldpunt.fieldkeys import KeyProblem, field_keys
from meldpunt.filestore import default_storage_from_env

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("MELDPUNT_DATA", Path.cwd() / "var"))

# --- Production profile: debug, secret key, hosts, HTTPS (issue #18 item 1; docs/deploy.md) ---
# DEBUG is off unless asked for (`make run` and the tests ask). Without DEBUG a real secret
# key is required: the public default in this repository signs nobody's sessions.
DEBUG = os.environ.get("MELDPUNT_DEBUG", "0") == "1"
# The profile as the process started (pytest-django turns DEBUG off inside tests; this stays):
# what a development desk may do and a production one must not (load_demo's demo accounts).
PRODUCTION_PROFILE = not DEBUG
DEV_SECRET_KEY = "dev-only-not-secret-change-me-in-production-please"
SECRET_KEY = os.environ.get("MELDPUNT_SECRET_KEY", "").strip() or DEV_SECRET_KEY


def secret_key_problem(key: str) -> str | None:
    """Why ``key`` is no real secret (the same bar as Django's security.W009), or None."""
    if key == DEV_SECRET_KEY:
        return "is not set (or is the public development key)"
    if len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure-"):
        return "is too weak (use at least 50 random characters)"
    return None


if not DEBUG and (_problem := secret_key_problem(SECRET_KEY)):
    raise ImproperlyConfigured(
        f"MELDPUNT_SECRET_KEY {_problem}: set it to a random value, e.g. from "
        "`python3 -c 'import secrets; print(secrets.token_urlsafe(50))'`, or set MELDPUNT_DEBUG=1 for development"
    )
# Secrets kept in the database (mailbox passwords) are sealed with MELDPUNT_FIELD_KEY, a comma
# list of Fernet keys (first seals, all open: rotation). Required without DEBUG; with DEBUG a
# key derived from the secret key stands in (meldpunt.fieldkeys says why; docs/deploy.md).
try:
    MELDPUNT_FIELD_KEYS = field_keys(os.environ.get("MELDPUNT_FIELD_KEY", ""), secret_key=SECRET_KEY, debug=DEBUG)
except KeyProblem as _exc:
    raise ImproperlyConfigured(str(_exc)) from None
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("MELDPUNT_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",") if h.strip()]

# MELDPUNT_HTTPS=1: the desk is reached over HTTPS only, usually through a proxy that ends TLS
# and says so in X-Forwarded-Proto (the proxy must set that header itself, never pass on the
# client's). Cookies are sent over HTTPS only, browsers are told to stay on HTTPS (HSTS), and
# a form posted from https://<allowed host> passes the CSRF origin check.
HTTPS = os.environ.get("MELDPUNT_HTTPS", "0") == "1"
if HTTPS:
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]  # a load balancer probes the web host over plain HTTP
    SECURE_HSTS_SECONDS = int(os.environ.get("MELDPUNT_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("MELDPUNT_HSTS_SUBDOMAINS", "1") == "1"
    # Preloading is a submission to the browsers' list that is hard to undo: the operator's
    # choice (MELDPUNT_HSTS_PRELOAD=1), so check --deploy does not ask for it.
    SECURE_HSTS_PRELOAD = os.environ.get("MELDPUNT_HSTS_PRELOAD", "0") == "1"
    SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
    CSRF_TRUSTED_ORIGINS = [
        f"https://*{host}" if host.startswith(".") else f"https://{host}" for host in ALLOWED_HOSTS if host != "*"
    ]
# --- end of the production profile's settings block ---

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",  # SearchVectorField of ticket search (harmless on SQLite)
    "django_htmx",
    "ninja",  # the API docs page from local static files, not a CDN (and so within the CSP)
    "django_tasks_db",
    "axes",
    "meldpunt.contracts",
    "meldpunt.accounts",
    "meldpunt.tickets",
    "meldpunt.intake",
    "meldpunt.bookings",
    "meldpunt.billing",
    "meldpunt.triage",
    "meldpunt.teams",
    "meldpunt.knowledge",
    "meldpunt.reports",
    "meldpunt.upgrades",
    "meldpunt.success",
    "meldpunt.satisfaction",
    "meldpunt.api",
    "meldpunt.web",
    "meldpunt.desk",
    "meldpunt.organise",
    "meldpunt.escalation",
    "meldpunt.history",
    "meldpunt.notifications",
    "meldpunt.demo",
    "meldpunt.transfer",
]

MIDDLEWARE = [
    "meldpunt.web.requestid.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
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
                "django.template.context_processors.csp",
            ],
            # {{ amount|money:"EUR" }}, {{ hours|number }}, {{ day|day }} in the reader's notation
            "libraries": {"localformat": "meldpunt.localformat"},
        },
    },
]


def database_from_env() -> dict:
    """SQLite in $MELDPUNT_DATA, or PostgreSQL from ``DATABASE_URL`` through dj-database-url:
    query options (``?sslmode=require&sslrootcert=…``) become connection OPTIONS. Connections
    live a minute and are checked before reuse, so a restarted database costs no error."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "meldpunt.sqlite3",
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"},
        }
    scheme = url.split(":", 1)[0]
    if scheme not in ("postgres", "postgresql"):
        raise ImproperlyConfigured(f"DATABASE_URL must be postgres://…, not {scheme}://")
    return dj_database_url.parse(url, conn_max_age=int(os.environ.get("MELDPUNT_CONN_MAX_AGE", "60")),
                                 conn_health_checks=True)


DATABASES = {"default": database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# ---------------------------------------------------------------- accounts and access (docs/deploy.md)
# Logins are guarded by django-axes: AXES_FAILURE_LIMIT failed logins from one client address
# (whatever user names it tries) lock that address for the cool-off time; a success clears
# that user name's own failures. The login page then answers 429 with meldpunt.accounts.lockout's message.
AUTHENTICATION_BACKENDS = [
    "meldpunt.accounts.lockout.AxesBackend",  # axes' own, for requests (a script's login has none)
    "django.contrib.auth.backends.ModelBackend",
]
#: How many reverse proxies in front of Meldpunt append to X-Forwarded-For (0: none, the peer
#: address is the client). Only then is the header believed (meldpunt.accounts.clientip).
MELDPUNT_TRUSTED_PROXIES = int(os.environ.get("MELDPUNT_TRUSTED_PROXIES", "0"))
AXES_CLIENT_IP_CALLABLE = "meldpunt.accounts.clientip.client_ip"
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_FAILURE_LIMIT = int(os.environ.get("MELDPUNT_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("MELDPUNT_LOGIN_COOLOFF_MINUTES", "15")))
AXES_RESET_ON_SUCCESS = False  # a success forgives only its own user name (accounts.lockout)
AXES_LOCKOUT_CALLABLE = "meldpunt.accounts.lockout.locked_out"
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
# meldpunt.accounts.throttle per address on the public booking form): counters
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
FORMAT_MODULE_PATH = ["meldpunt.formats"]  # English dates read British: "5 January 2027"
USE_I18N = True
TIME_ZONE = "Europe/Amsterdam"
USE_TZ = True

STATIC_URL = "static/"
# Where `collectstatic` writes (hashed, compressed copies); MELDPUNT_STATIC_ROOT for a shared folder.
STATIC_ROOT = Path(os.environ.get("MELDPUNT_STATIC_ROOT", DATA_DIR / "static"))
# htmx and Chart.js are committed copies in meldpunt/web/static/vendor/ (`make assets` refreshes
# them from npm at the versions pinned in package.json), so an installed wheel serves them; no CDN.
STORAGES = {
    # Attachments: $MELDPUNT_DATA/files, or S3-compatible storage with MELDPUNT_S3_BUCKET (meldpunt.filestore).
    "default": default_storage_from_env(os.environ, DATA_DIR),
    # Hashed names (a manifest), so browsers may cache them forever; needs `collectstatic`.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Content-Security-Policy (issue #18 item 1): Django's own middleware and SECURE_CSP ---
# Scripts and styles come from our static files only; there are no inline scripts, style
# attributes or event handlers in the templates (a page that needs one gives its <script>
# nonce="{{ csp_nonce }}"). htmx is told not to add its indicator <style> (base.html).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# --- end of the CSP block ---

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
#: The desk's address as customers reach it (https://desk.example.com): links in mail. Without
#: it, mail says to log in to the portal instead of linking the request.
MELDPUNT_SITE_URL = os.environ.get("MELDPUNT_SITE_URL", "").rstrip("/")
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
# The files of an agent's reply that go with its mail, in all; the rest is named in the mail.
MELDPUNT_MAIL_ATTACHMENT_BYTES = int(os.environ.get("MELDPUNT_MAIL_ATTACHMENT_BYTES", 20 * _MIB))
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


# --- Logs, errors and health (issue #18 items 3-4; docs/deploy.md) ---
# One JSON object per line on stdout, stamped with the request id (meldpunt.logs). Errors are
# always logged: django.request's 5xx with its traceback, with DEBUG on or off; nothing is
# mailed. MELDPUNT_LOG_LEVEL sets the level of our own loggers (INFO). A one-shot command
# (migrate, ingest-mail --json, …) logs to stderr, so its stdout stays its output: the
# `meldpunt` command sets MELDPUNT_LOG_STREAM=stderr for all but the services (cli.SERVICES).
# The test suite sets "none": records go up to the root logger, where pytest captures them.
LOG_STREAM = os.environ.get("MELDPUNT_LOG_STREAM", "stdout")
if LOG_STREAM not in ("stdout", "stderr", "none"):
    raise ImproperlyConfigured(f"MELDPUNT_LOG_STREAM must be stdout, stderr or none, not {LOG_STREAM!r}")
_LOG_TO = [] if LOG_STREAM == "none" else ["json"]
_LOG_UP = LOG_STREAM == "none"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "meldpunt.logs.RequestIdFilter"}},
    "formatters": {"json": {"()": "meldpunt.logs.JsonFormatter"},
                   "plain": {"format": "[{asctime}] {message}", "style": "{"}},
    "handlers": {
        "json": {"class": "logging.StreamHandler", "stream": f"ext://sys.{LOG_STREAM.replace('none', 'stdout')}",
                 "formatter": "json", "filters": ["request_id"]},
        # runserver's request lines (development only) stay as people read them
        "runserver": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr", "formatter": "plain"},
    },
    "loggers": {
        "django": {"handlers": _LOG_TO, "level": "WARNING", "propagate": _LOG_UP},
        "django.request": {"handlers": _LOG_TO, "level": "WARNING", "propagate": _LOG_UP},
        "django.server": {"handlers": ["runserver"], "level": "INFO", "propagate": False},
        "meldpunt": {"handlers": _LOG_TO, "level": os.environ.get("MELDPUNT_LOG_LEVEL", "INFO"), "propagate": _LOG_UP},
        "gunicorn.error": {"handlers": _LOG_TO, "level": "INFO", "propagate": _LOG_UP},
    },
}
if not _LOG_UP:  # with "none" the root logger is left alone: pytest's capture handler sits there
    LOGGING["root"] = {"handlers": _LOG_TO, "level": "WARNING"}

# Error reporting to Sentry (or a compatible service) when MELDPUNT_SENTRY_DSN is set; the
# sentry-sdk package is the optional extra meldpunt[sentry]. No personal data is sent.
if os.environ.get("MELDPUNT_SENTRY_DSN"):
    try:
        import sentry_sdk
    except ImportError:
        raise ImproperlyConfigured("MELDPUNT_SENTRY_DSN is set but sentry-sdk is not installed: "
                                   "pip install 'meldpunt[sentry]'") from None
    sentry_sdk.init(dsn=os.environ["MELDPUNT_SENTRY_DSN"], send_default_pii=False,
                    environment=os.environ.get("MELDPUNT_SENTRY_ENVIRONMENT", "production"),
                    traces_sample_rate=float(os.environ.get("MELDPUNT_SENTRY_TRACES", "0")))

# /health/ (meldpunt.web.health): beyond these ages a part counts as down and the answer is 503.
MELDPUNT_HEALTH_WORKER_SECONDS = int(os.environ.get("MELDPUNT_HEALTH_WORKER_SECONDS", "120"))
MELDPUNT_HEALTH_WORKERS = int(os.environ.get("MELDPUNT_HEALTH_WORKERS", "1"))  # workers a desk runs; fewer alive: 503
MELDPUNT_HEALTH_SCHEDULER_SECONDS = int(os.environ.get("MELDPUNT_HEALTH_SCHEDULER_SECONDS", "180"))
MELDPUNT_HEALTH_MAILBOX_SECONDS = int(os.environ.get("MELDPUNT_HEALTH_MAILBOX_SECONDS", "600"))
# --- end of the logs, errors and health block ---
