"""Shared fixtures: the test database holds both seed documents, loaded once per session.

The sample reporting period of ``guankao demo`` (the cycles demo) takes most of a second to load,
and hundreds of tests need it: ``cycles_demo_once`` loads it once per test module, inside a
transaction that is rolled back when the module ends. Each test's own transaction (the ``db``
fixture) is a savepoint inside it, so what a test writes is still undone after it. Keep only ids
and plain values across tests, never model instances: one test's changes would stay on them.

Tests that need a real server (Playwright) use ``live_demo``: pytest-django runs those
transactional tests after the other database tests of their run and empties the database after
each one, so the fixture loads the demo data again itself. With ``pytest -n`` a worker runs a
test file's transactional tests before the next file's ordinary ones, so the seed documents are
loaded again before the first ordinary test after such an emptying (``pytest_runtest_setup``).
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from copy import copy
from pathlib import Path
from typing import Any

import django.test.client
import pytest
from _pytest.mark.expression import Expression
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.test.utils import ContextList
from pytest_django.fixtures import validate_django_db
from pytest_django.plugin import blocking_manager_key

from guankao.cycles.demo import load_demo as load_cycles_demo
from guankao.site.demo import load_seed_documents
from tests import db_template

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the live
# server fixtures are still synchronous and safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "1")


def _store_rendered_templates(
    store: dict[str, Any], signal: Any, sender: Any, template: Any, context: Any, **kwargs: Any
) -> None:
    """Django's test client copies the context of every template it sees rendered, includes
    too: pages that include a template per row copied tens of thousands of contexts, most of
    the time of their tests. This keeps every template in ``response.templates`` but copies a
    context only the first time it is rendered, so ``response.context`` holds each template
    rendered on its own (the view's page, a mail) as it was when that template began, and not
    what an ``{% include ... with %}`` pushed onto it (decision 0086)."""
    store.setdefault("templates", []).append(template)
    seen = store.setdefault("contexts seen", set())
    if id(context) in seen:
        return
    seen.add(id(context))
    store.setdefault("context", ContextList()).append(copy(context))


# The client looks the function up each request. (Not in the stubs, hence the ignore.)
django.test.client.store_rendered_templates = _store_rendered_templates  # type: ignore[attr-defined]

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


# Tests allocate many short-lived objects (querysets, template contexts): collecting the
# youngest generation every 700 allocations, and walking every module's objects in each full
# collection, cost about a tenth of the suite's CPU time (decision 0086).
gc.set_threshold(50_000, 20, 100)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Move what is alive once every module is imported out of the collector's sight."""
    gc.freeze()


BROWSER_FIXTURES = frozenset({"browser", "phone_page", "live_server", "live_demo"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that starts a live server or a browser is marked ``browser``, so that
    ``make test-fast`` can leave the slow parts out (the markers are listed in pyproject).

    Within each module, the tests that use no ``*_once`` fixture run before those that do: once
    such a module-scoped fixture has loaded its data, the data stays until the module ends, and a
    test that did not ask for it must not find it (or pass only because it is there)."""
    for item in items:
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
    items[:] = _loading_once_last(items)


def _loads_once(item: pytest.Item) -> bool:
    """Whether the test uses a fixture that loads data once per module (named ``*_once``)."""
    return any(name.endswith("_once") for name in getattr(item, "fixturenames", ()))


def _loading_once_last(items: list[pytest.Item]) -> list[pytest.Item]:
    """``items`` with each run of consecutive tests of one module reordered: those without a
    ``*_once`` fixture first, each group in its original order. Only such runs are touched, so
    the order pytest-django gave (transactional tests last) stays."""
    ordered: list[pytest.Item] = []
    run: list[pytest.Item] = []
    for item in [*items, None]:
        if run and (item is None or item.path != run[0].path):
            ordered += [i for i in run if not _loads_once(i)]
            ordered += [i for i in run if _loads_once(i)]
            run = []
        if item is not None:
            run.append(item)
    return ordered


# Modules marked ``slow`` as a whole whose import alone takes seconds (schemathesis loads the
# OpenAPI schema at import): not even imported when the ``-m`` expression leaves ``slow`` out.
SLOW_TO_IMPORT = frozenset({Path(__file__).parent / "api" / "test_schemathesis.py"})


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Skip importing the ``SLOW_TO_IMPORT`` modules when ``-m`` deselects ``slow`` anyway."""
    if collection_path not in SLOW_TO_IMPORT or not config.option.markexpr:
        return None
    expression = Expression.compile(config.option.markexpr)
    return not expression.evaluate(_marks_of_a_slow_module) or None


def _marks_of_a_slow_module(name: str, /, **kwargs: str | int | bool | None) -> bool:
    return name in ("slow", "django_db")


_EMPTIED = pytest.StashKey[bool]()
_TEMPLATE = pytest.StashKey[db_template.Template | None]()


def _is_transactional(item: pytest.Item) -> bool:
    """Whether pytest-django runs ``item`` as a TransactionTestCase (it empties every table
    after the test), by the same rules as its own ordering of the tests."""
    fixtures = getattr(item, "fixturenames", ())
    if {"transactional_db", "live_server", "django_db_reset_sequences"} & set(fixtures):
        return True
    marker = item.get_closest_marker("django_db")
    if marker is None:
        return False
    transactional, reset_sequences, *_ = validate_django_db(marker)
    return bool(transactional or reset_sequences)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Before the first ordinary test after a transactional one: the seed documents again.

    Transactional tests keep getting what the one before left (pytest-django's rule), so a run
    of browser tests does not reload the seed documents between its tests."""
    if item.config.stash.get(_EMPTIED, False) and not _is_transactional(item):
        item.config.stash[_EMPTIED] = False
        template = item.config.stash.get(_TEMPLATE, None)
        with item.config.stash[blocking_manager_key].unblock():
            if template is not None and template.path.exists():
                template.copy_in()  # much quicker than loading them
            else:
                load_seed_documents()


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    if _is_transactional(item):
        item.config.stash[_EMPTIED] = True


@pytest.fixture(scope="session")
def _test_db_template(
    request: pytest.FixtureRequest, django_db_blocker: Any
) -> db_template.Template | None:
    """The saved copy of the migrated and seeded test database (``make test-fast`` only, see
    tests/db_template.py), installed before pytest-django creates the test database."""
    with django_db_blocker.unblock():
        found = db_template.template()
    if found is not None:
        found.install()
    request.config.stash[_TEMPLATE] = found
    return found


@pytest.fixture(scope="session")
def django_db_setup(
    _test_db_template: db_template.Template | None, django_db_setup: None, django_db_blocker: Any
) -> Iterator[None]:
    """Load the seed documents once; each test then runs inside a transaction that is rolled
    back. The sample reporting period of ``guankao demo`` is left out: the cycles tests load it
    through their own fixture when they need it."""
    template = _test_db_template
    if template is None or not template.restored:
        with django_db_blocker.unblock():
            load_seed_documents()
            if template is not None:
                template.save()
    yield


@contextmanager
def rolled_back_at_the_end(django_db_blocker: Any) -> Iterator[None]:
    """Database access outside a test, in a transaction rolled back when the block ends: the
    body of a module- or session-scoped fixture that loads data once for many tests.

    The tests must not need ``transaction=True`` (their flush would commit through it) nor close
    the connection (on PostgreSQL that ends the transaction); Django's test client keeps it open.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def cycles_demo_once(
    django_db_setup: None, django_db_blocker: Any
) -> Iterator[list[tuple[str, str, str]]]:
    """The cycles demo (Keelung's 113H1 with samples and the demo accounts), loaded once for the
    test module that asks for it; returns the printed credentials (role, username, password).

    Tests still ask for ``db`` themselves. The module's tests that do not use this fixture run
    before it is set up (``pytest_collection_modifyitems``), so they never see the demo. Name
    any other fixture of this kind ``*_once`` for the same ordering."""
    with rolled_back_at_the_end(django_db_blocker):
        yield load_cycles_demo(actor=None)


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
