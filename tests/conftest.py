"""Shared fixtures: the test database holds both seed documents, loaded once per session.

Tests that need a real server (Playwright) use ``live_demo``: pytest-django runs those
transactional tests after all others and empties the database after each one, so the fixture
loads the demo data again itself.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from guankao.site.demo import load_seed_documents

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the live
# server fixtures are still synchronous and safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "1")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


BROWSER_FIXTURES = frozenset({"browser", "phone_page", "live_server", "live_demo"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that starts a live server or a browser is marked ``browser``, so that
    ``make test-fast`` can leave the slow parts out (the markers are listed in pyproject)."""
    for item in items:
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Load the seed documents once; each test then runs inside a transaction that is rolled
    back. The sample reporting period of ``guankao demo`` is left out: the cycles tests load it
    through their own fixture when they need it."""
    with django_db_blocker.unblock():
        load_seed_documents()
    yield


@pytest.fixture
def live_demo(transactional_db: None, live_server: Any) -> Any:
    """A live server with the demo data loaded; returns pytest-django's ``live_server``."""
    call_command("demo", verbosity=0)
    return live_server


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright (no browser download needed)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def phone_page(browser: Any) -> Iterator[Any]:
    """A fresh page with a 360-px wide phone viewport."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def client_for() -> Callable[[str | None], Client]:
    """A test client signed in as the named user (None: anonymous)."""

    def make(username: str | None) -> Client:
        client = Client()
        if username is not None:
            client.force_login(User.objects.get(username=username))
        return client

    return make
