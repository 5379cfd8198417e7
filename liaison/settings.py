"""Liaison settings: one module, driven by the environment.

SQLite at ``var/liaison.sqlite3`` is the default; ``DATABASE_URL`` selects another database
(PostgreSQL in production). One database holds one company's data.
"""

import os
from pathlib import Path
from typing import Any

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("LIAISON_VAR_DIR", BASE_DIR / "var"))

DEV_SECRET_KEY = "liaison-development-key-not-for-production"
_key_file = os.environ.get("LIAISON_SECRET_KEY_FILE")
SECRET_KEY = (
    Path(_key_file).read_text().strip()
    if _key_file
    else os.environ.get("LIAISON_SECRET_KEY", DEV_SECRET_KEY)
)
DEBUG = os.environ.get("LIAISON_DEBUG", "0") == "1"
# `liaison serve --production` sets this after checking DEBUG and the secret key.
PRODUCTION = os.environ.get("LIAISON_PRODUCTION") == "1"
ALLOWED_HOSTS = os.environ.get("LIAISON_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "liaison.core",
    "liaison.accounts",
    "liaison.contacts",
    "liaison.sales",
    "liaison.purchases",
    "liaison.banking",
    "liaison.records",
    "liaison.relations",
    "liaison.batch",
    "liaison.audit",
    "liaison.interactions",
    "liaison.documents",
    "liaison.vatlog",
    "liaison.masterdata",
    "liaison.merges",
    "liaison.duplicates",
]

MIDDLEWARE = [
    # First: every request gets an id (X-Request-ID) that its log records and a 500 show.
    "liaison.core.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Changes made by a request are recorded as its user's (liaison/audit/context.py).
    "liaison.audit.context.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "liaison.webutils.NotFoundMiddleware",
    "liaison.api.QueryParamsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it locks out repeated failed sign-ins.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five failed sign-ins for one user name from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

ROOT_URLCONF = "liaison.urls"
WSGI_APPLICATION = "liaison.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "liaison" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database() -> dict[str, Any]:
    """SQLite tuned for real use (WAL, busy timeout, immediate write transactions) by default."""
    url = os.environ.get("DATABASE_URL")
    if url:
        config = dict(dj_database_url.parse(url, conn_max_age=60))
        # A test database of its own per test run, so two runs against one server (CI beside
        # a developer's run) never drop each other's database.
        config["TEST"] = {"NAME": f"test_{config['NAME']}_{os.getpid()}"}
        return config
    path = Path(os.environ.get("LIAISON_SQLITE_PATH", VAR_DIR / "liaison.sqlite3"))
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        # Keep a worker's connection between requests, as on PostgreSQL: opening one (PRAGMAs,
        # Django's SQL functions) for each request would add CPU time to every API request.
        "CONN_MAX_AGE": 60,
        "OPTIONS": {
            # IMMEDIATE takes the write lock at BEGIN, so two writers queue on the busy
            # timeout instead of failing with "database is locked" on lock upgrade.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
            ),
        },
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "liaison" / "static"]
# Only `collectstatic` needs a STATIC_ROOT; the app serves static files from the apps.
STATIC_ROOT = os.environ.get("LIAISON_STATIC_ROOT") or None
# The app serves its own static files (no CDN, no build step): WhiteNoise reads them from the
# apps' static folders directly, so no collectstatic step is needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/contacts/"
LOGOUT_REDIRECT_URL = "/login/"
# Background jobs run in a thread after commit; tests may run them inline instead.
LIAISON_JOBS_INLINE = False
# The online check of VAT registration numbers (EU VIES, liaison/vatlog): off unless
# LIAISON_VAT_CHECK=1, as BC's VIES service is until it is enabled (it sends the numbers to
# the European Commission). The URL is a setting so tests point it at a stand-in server.
LIAISON_VAT_CHECK = os.environ.get("LIAISON_VAT_CHECK", "0") == "1"
LIAISON_VIES_URL = os.environ.get(
    "LIAISON_VIES_URL", "https://ec.europa.eu/taxation_customs/vies/rest-api/check-vat-number"
)
LIAISON_VIES_TIMEOUT = float(os.environ.get("LIAISON_VIES_TIMEOUT", "10"))
LIAISON_VAT_CHECK_INLINE = False  # tests: check right after the commit, in the same thread
# A running job or import whose last chunk is older than this (seconds) counts as interrupted
# when its process cannot be checked (another host); on this host a dead pid is enough.
LIAISON_RUN_STALE_SECONDS = int(os.environ.get("LIAISON_RUN_STALE_SECONDS", "600"))

if PRODUCTION:
    # Secure cookies, HSTS, CSP and friends (liaison/ops/production.py says why each).
    from liaison.ops.production import production_settings

    globals().update(production_settings())
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "liaison.ops.production.ContentSecurityPolicyMiddleware",
    )

# Everything goes to stderr (gunicorn's, under `liaison serve`), each line with its request's
# id. Django logs every unhandled error of a page on django.request with its traceback, the
# API's handler (liaison/api.py) those of the API; Django's own default sends them to the
# console only when DEBUG is on.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "liaison.core.request_id.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    },
    "handlers": {
        "stderr": {
            "class": "liaison.core.request_id.StderrHandler",
            "filters": ["request_id"],
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["stderr"], "level": "WARNING"},
    "loggers": {
        "liaison": {"level": "INFO"},
        # Through the root's handler only (Django's console handler would print them twice).
        "django": {"handlers": [], "level": "INFO"},
        # Errors (5xx) only: 4xx are the caller's mistakes, each answered with its reason.
        "django.request": {"level": "ERROR"},
    },
}

# E-mail (documents and contact e-mails). Offline by default: each message is written to a file
# under var/mail/. Set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and the
# EMAIL_HOST* variables to deliver through an SMTP server.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "0") == "1"
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "liaison@localhost")
