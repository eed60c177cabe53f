"""Settings for the test suite: the real database from DATABASE_URL, no outbound effects."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-key")

from guankao.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Files on disk, so tests can show a refused upload left nothing in MEDIA_ROOT; production's
# DatabaseStorage is tested in tests/deployment/ (decision 0083).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Two-factor sign-in and the forced change of initial passwords: off, tests turn them on.
GUANKAO_REQUIRE_2FA = False
GUANKAO_FORCE_INITIAL_PASSWORD_CHANGE = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
# The page cache keeps pages across tests, whose rollbacks take its generations back and whose
# factories write without bumping them: off, tests/core/test_page_cache.py turns it on.
GUANKAO_PAGE_CACHE = False
# WhiteNoise reads every file under STATIC_ROOT when its middleware starts, and the test client
# starts the middleware anew for each test: once `make run` had collected its 637 files into
# var/static, that cost 35 ms a test, a third of `make test-fast`. Tests serve no collected files
# (the live server serves them from the apps' folders), so they look at a folder never made,
# on every machine alike.
STATIC_ROOT = VAR_DIR / "no-static-in-tests"  # noqa: F405
