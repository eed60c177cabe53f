"""The directories a gunicorn master builds before forking (guankao.site.warm, issue 16)."""

from __future__ import annotations

import gc

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guankao.core.models import Jurisdiction
from guankao.directory import snapshot
from guankao.site.warm import compile_templates, prepare_process, warm_directories

pytestmark = pytest.mark.django_db


def test_warming_builds_every_jurisdictions_directory_so_the_next_use_only_checks_its_stamp() -> (
    None
):
    snapshot._cache.clear()
    with_table = [j.slug for j in Jurisdiction.objects.all() if snapshot.table_in_force(j.slug)]
    assert with_table, "the seed has a jurisdiction with a table in force"

    assert warm_directories() == len(with_table)

    for slug in with_table:
        with CaptureQueriesContext(connection) as queries:
            directory = snapshot.get_directory(slug)
        assert directory is not None and directory.jurisdiction_slug == slug
        assert len(queries) == 2  # the generation row and the newest audit entry: no rebuild


def test_every_template_compiles_and_preparing_freezes_what_is_alive() -> None:
    assert compile_templates() > 100  # the project's and the contrib apps' templates

    gc.unfreeze()  # the suite's own conftest froze its start-up objects
    assert gc.get_freeze_count() == 0

    prepare_process()

    assert gc.get_freeze_count() > 10_000
