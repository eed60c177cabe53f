"""Django settings for guankao, read from the environment (see .env.example)."""

import os
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

# Lets admin classes be written ModelAdmin[Model] for the type checker.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = Path(os.environ.get("GUANKAO_HOME", BASE_DIR.parent.parent)).resolve()
VAR_DIR = PROJECT_DIR / "var"


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    # An empty value (``SECURE_COOKIES=`` as in .env.example) means "the default", not "off".
    if value is None or not value.strip():
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = _env_bool("DEBUG", False)

# The key comes from the environment, or from var/secret_key, which `make run` creates once per
# installation so that a local server never runs on a key published in this repository.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and (VAR_DIR / "secret_key").is_file():
    SECRET_KEY = (VAR_DIR / "secret_key").read_text(encoding="utf-8").strip()
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set: export it or write var/secret_key (see .env.example)."
    )

ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # django-ninja's own templates and static files: the API docs load Swagger UI from here,
    # not from a CDN.
    "ninja",
    "guankao.core",
    "guankao.divisions",
    "guankao.performance",
    "guankao.documents",
    "guankao.directory",
    "guankao.imports",
    "guankao.cycles",
    "guankao.api",
    "guankao.site",
    # Two-factor sign-in (core/two_factor.py): TOTP apps and single-use recovery codes.
    "django_otp",
    "guankao.core.two_factor_apps.TOTPConfig",
    "guankao.core.two_factor_apps.StaticConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Published pages for anonymous readers, before sessions, CSRF and CSP (decision 0085).
    "guankao.core.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # The second factor and an initial password's change come before anything else.
    "guankao.core.middleware.AccountSecurityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "guankao.core.session_limits.SessionLimitsMiddleware",
]

ROOT_URLCONF = "guankao.urls"
WSGI_APPLICATION = "guankao.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
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

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'guankao.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The covering indexes of the performance tables (decision 0088) include columns on PostgreSQL;
# SQLite has no INCLUDE and gets the same indexes on their key columns, which is intended.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Three of upper case, lower case, digits, symbols; none of the last 3 passwords.
    {"NAME": "guankao.core.password_validation.ComplexityValidator"},
    {"NAME": "guankao.core.password_validation.PasswordHistoryValidator"},
]

# Staff pages are in Traditional Chinese, the source language, whatever the browser asks for;
# the public directory chooses its own language per request (?lang=, else the browser's).
LANGUAGE_CODE = "zh-hant"
LANGUAGES = [
    ("zh-hant", "繁體中文"),
    ("zh-hans", "简体中文"),
    ("en", "English"),
    ("vi", "Tiếng Việt"),
    ("id", "Bahasa Indonesia"),
    ("th", "ไทย"),
    ("fil", "Filipino"),
    ("km", "ខ្មែរ"),
    ("my", "မြန်မာ"),
    ("ja", "日本語"),
    ("ko", "한국어"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Taipei"
USE_I18N = True
USE_TZ = True

# Each process keeps its own copies; the page cache's keys carry the database's generations, so
# a change through any server is seen by all (core/page_cache.py, decision 0085).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
        "OPTIONS": {"MAX_ENTRIES": 1000},
    },
}
GUANKAO_PAGE_CACHE = _env_bool("PAGE_CACHE", True)

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STORAGES = {
    # Uploaded files in the database, so every app server reaches them (decision 0083).
    "default": {"BACKEND": "guankao.core.storage.DatabaseStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))

# Production serves HTTPS only (docs/security.md): secure cookies, a redirect from http and HSTS.
# `make run` serves plain http on loopback and sets SECURE_COOKIES=false, which turns all off.
SESSION_COOKIE_SECURE = _env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", SESSION_COOKIE_SECURE)
SECURE_HSTS_SECONDS = int(
    os.environ.get("SECURE_HSTS_SECONDS", "31536000" if SESSION_COOKIE_SECURE else "0")
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# The header allows preloading; submitting the domain to the browsers' list is the operator's act.
SECURE_HSTS_PRELOAD = _env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Staff sessions end after 30 minutes without a request and 12 hours after sign-in, whichever
# comes first (core/session_limits.py; 資通系統防護基準 中級 AC: 閒置登出).
SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
SESSION_ABSOLUTE_HOURS = int(os.environ.get("SESSION_ABSOLUTE_HOURS", "12"))
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_HOURS * 3600

# Content Security Policy on every page (django-csp). Scripts only from this server; inline
# style attributes stay allowed for the report layout (column widths, hanging indents).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

EMAIL_HOST = os.environ.get("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "guankao@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "site:home"
LOGOUT_REDIRECT_URL = "site:home"

# Public address of this installation, used in links inside reminder e-mails.
GUANKAO_BASE_URL = os.environ.get("GUANKAO_BASE_URL", "http://127.0.0.1:8000")
CYCLES_MAX_ATTACHMENT_MB = int(os.environ.get("CYCLES_MAX_ATTACHMENT_MB", "10"))
# Sign-in lockout (core/throttle.py): failures allowed per account and per address in the window.
LOGIN_FAILURES_PER_ACCOUNT = int(os.environ.get("LOGIN_FAILURES_PER_ACCOUNT", "5"))
LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_FAILURES_PER_ADDRESS", "20"))
LOGIN_FAILURE_WINDOW_MINUTES = int(os.environ.get("LOGIN_FAILURE_WINDOW_MINUTES", "15"))
LOGIN_LOCKOUT_MINUTES = int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15"))
# How long sign-in events (successes and failures) are kept: at least six months (docs/security.md).
LOGIN_EVENTS_KEEP_DAYS = int(os.environ.get("LOGIN_EVENTS_KEEP_DAYS", "180"))
# Behind a reverse proxy, the request header that carries the client's address (the proxy must
# set it and strip it from clients), e.g. HTTP_X_REAL_IP; empty means REMOTE_ADDR.
LOGIN_CLIENT_ADDRESS_HEADER = os.environ.get("LOGIN_CLIENT_ADDRESS_HEADER", "")
# Password reset e-mails allowed per account and per address within the window (core/throttle.py).
PASSWORD_RESET_PER_ACCOUNT = int(os.environ.get("PASSWORD_RESET_PER_ACCOUNT", "3"))
PASSWORD_RESET_PER_ADDRESS = int(os.environ.get("PASSWORD_RESET_PER_ADDRESS", "10"))
PASSWORD_RESET_WINDOW_MINUTES = int(os.environ.get("PASSWORD_RESET_WINDOW_MINUTES", "60"))
# Two-factor sign-in (TOTP) for administrators, coordinators and staff; on unless DEBUG.
# `make run` sets REQUIRE_2FA=false for the local demo (decision 0059).
GUANKAO_REQUIRE_2FA = _env_bool("REQUIRE_2FA", not DEBUG)
OTP_TOTP_ISSUER = "guankao 管考"
# An account whose password someone else set (the admin, createsuperuser) changes it first.
GUANKAO_FORCE_INITIAL_PASSWORD_CHANGE = True
# `guankao demo`'s accounts sign in with the printed passwords, no forced change: a local demo.
GUANKAO_DEMO_ACCOUNTS_READY = _env_bool("DEMO_ACCOUNTS_READY", DEBUG)
