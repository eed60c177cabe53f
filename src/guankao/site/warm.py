"""Preparing a server process before it answers: everything a request would load lazily is
loaded once, then set aside from the garbage collector.

gunicorn's master imports the app (``preload_app``) and forks its workers from it. Without this,
each worker built the directory on its first public request (about a second, under a lock,
while that request and the ones behind it waited; every few seconds under load, as workers were
recycled), and compiled its templates and URLconf as requests came. And every full collection
of the garbage collector walked those 180,000 long-lived objects: about 90 ms, the p95 tail of
the national view (issue 14). Loaded in the master and frozen (``gc.freeze``, as the Python
documentation advises before ``fork``), they are inherited by every worker and no collection
walks them again; a full collection then takes about 2 ms.
"""

from __future__ import annotations

import functools
import gc
from pathlib import Path

from django.conf import settings
from django.template import engines
from django.template.backends.django import DjangoTemplates
from django.template.loader import get_template
from django.template.utils import get_app_template_dirs
from django.urls import get_resolver
from django.utils import translation

from guankao.core.models import Jurisdiction
from guankao.directory.snapshot import get_directory

# What the project's Django template directories hold (the .typ files are Typst's).
TEMPLATE_SUFFIXES = (".html", ".txt", ".xml")


def warm_directories() -> int:
    """Build (or check) the cached directory of every jurisdiction; returns how many have one."""
    slugs = list(Jurisdiction.objects.order_by("slug").values_list("slug", flat=True))
    return sum(get_directory(slug) is not None for slug in slugs)


def compile_templates() -> int:
    """Compile every Django template into the engines' cached loaders; returns how many."""
    directories = [Path(d) for d in get_app_template_dirs("templates")]
    for engine in engines.all():
        if isinstance(engine, DjangoTemplates):
            directories += [Path(d) for d in engine.dirs]
    compiled = 0
    for directory in directories:
        for path in sorted(directory.rglob("*")):
            if path.suffix in TEMPLATE_SUFFIXES and path.is_file():
                get_template(path.relative_to(directory).as_posix())
                compiled += 1
    return compiled


@functools.cache
def _load_code() -> None:
    """The URLconf, every template and every language's catalogue: they do not change while the
    process lives, so once is enough."""
    get_resolver().url_patterns  # noqa: B018 (imports every view module)
    compile_templates()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("施政績效")


def prepare_process() -> None:
    """Load the URLconf, every template, every language's catalogue (the first time) and every
    directory, then freeze what is alive so that the garbage collector skips it from now on.

    Called by gunicorn's master before each fork: after the first, only the directories are
    checked (one query for the jurisdictions and two for each when nothing changed). The caller
    closes its database connections afterwards, so that no fork shares its socket."""
    _load_code()
    warm_directories()
    gc.collect()
    gc.freeze()
