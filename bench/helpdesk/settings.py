"""Minimal Django project serving django-helpdesk and its REST API for bench/helpdesk_bench.py.

Kept as close to Meldpunt's production settings as the two products allow: DEBUG off, the
same PostgreSQL server (its own database, from ``DATABASE_URL``) with the same persistent
connections (CONN_MAX_AGE 60), Django's default password hashers and logging, mail to
Django's file backend, Europe/Amsterdam with USE_TZ. The API authenticates with DRF's
token (one indexed lookup per request, like Meldpunt's bearer token) or a session.
"""

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

DATA_DIR = Path(os.environ.get("HELPDESK_BENCH_DATA", Path(__file__).resolve().parents[2] / "var" / "bench" / "helpdesk-data"))

SECRET_KEY = os.environ.get("HELPDESK_BENCH_SECRET_KEY", "bench-only-not-secret-helpdesk-peer-0123456789")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "helpdesk",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "urls"
WSGI_APPLICATION = "wsgi.application"

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


def _database() -> dict:
    url = os.environ.get("DATABASE_URL", "")
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":  # the tests of the history import (tests/history/): sqlite:///path
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": unquote(parsed.path)}
    if parsed.scheme not in ("postgres", "postgresql"):
        raise RuntimeError("the helpdesk peer needs DATABASE_URL=postgres://… or sqlite:///… (bench/helpdesk_peer.py)")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": parsed.path.lstrip("/") or "postgres",
        "USER": unquote(parsed.username or ""),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": parsed.hostname or "",
        "PORT": str(parsed.port or ""),
        "CONN_MAX_AGE": 60,  # as Meldpunt
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
}

LANGUAGE_CODE = "en"
USE_I18N = True
TIME_ZONE = "Europe/Amsterdam"
USE_TZ = True
SITE_ID = 1

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "media/"  # attachments' URLs in the API; urls.py serves them as a web server would
LOGIN_URL = "/login/"

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = str(DATA_DIR / "mail")
DEFAULT_FROM_EMAIL = "support@helpdesk.test"

HELPDESK_API_ENABLED = True
HELPDESK_TEAMS_MODE_ENABLED = False  # would need pinax-teams; not used on the API path
