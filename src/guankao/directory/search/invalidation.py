"""Knowing when a cached directory is stale.

Service writes are audited, and the newest audit entry is part of the cache key. Writes that
bypass the services (the admin's forms) are caught here through model signals, which add one
to the ``directory`` row of ``core.CacheGeneration`` in the transaction of the write (decision
0083). Every process of every app server reads that row, so an edit made through one server
makes the directories cached by all of them stale; a write that is rolled back takes its
increment with it.

The step is random, not 1: a directory built inside a transaction that is then rolled back
(every test, or a request that fails after a write) was cached under the rolled-back value,
and the next committed change must not land on that same value and make the cache look fresh.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save

from guankao.core import page_cache
from guankao.core.models import CacheGeneration

NAME = "directory"


def generation() -> int:
    """How many changes the database has seen to the models the directory reads (one query)."""
    value = CacheGeneration.objects.filter(name=NAME).values_list("value", flat=True).first()
    return int(value or 0)


def bump(**kwargs: Any) -> None:
    """Mark every cached directory, in every process, as stale (``core.page_cache.bump``)."""
    if kwargs.get("raw"):
        return  # a fixture being loaded (a restore) brings its own generation row
    if kwargs.get("action", "post_").startswith("pre_"):
        return  # m2m_changed says each change twice; count the one after it
    page_cache.bump(NAME)


def connect() -> None:
    """Watch the models a directory is built from."""
    from guankao.core.models import Agency, Jurisdiction
    from guankao.directory.models import ContentTranslation
    from guankao.divisions.models import (
        AgencyContact,
        DivisionTable,
        Hotline,
        HotlineHours,
        ServiceArea,
        Task,
    )

    models = (
        Agency,
        AgencyContact,
        Jurisdiction,
        ContentTranslation,
        DivisionTable,
        ServiceArea,
        Hotline,
        HotlineHours,
    )
    for model in (*models, Task):
        post_save.connect(bump, sender=model, dispatch_uid=f"directory-stale-{model.__name__}")
        post_delete.connect(
            bump, sender=model, dispatch_uid=f"directory-stale-del-{model.__name__}"
        )
    m2m_changed.connect(bump, sender=Task.co_leads.through, dispatch_uid="directory-stale-co")
