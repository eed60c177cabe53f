"""Knowing when a cached directory is stale.

Service writes are audited, and the newest audit entry is part of the cache key. Writes that
bypass the services (the admin's forms) are caught here through model signals, which bump a
counter of this process.
"""

from __future__ import annotations

import itertools
from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save

_counter = itertools.count(1)
_generation = 0


def generation() -> int:
    """The number of changes this process has seen to the models the directory reads."""
    return _generation


def bump(**kwargs: Any) -> None:
    """Mark every cached directory of this process as stale."""
    global _generation
    _generation = next(_counter)


def connect() -> None:
    """Watch the models a directory is built from."""
    from guankao.core.models import Agency, Jurisdiction
    from guankao.directory.models import ContentTranslation
    from guankao.divisions.models import AgencyContact, DivisionTable, ServiceArea, Task

    models = (Agency, AgencyContact, Jurisdiction, ContentTranslation, DivisionTable, ServiceArea)
    for model in (*models, Task):
        post_save.connect(bump, sender=model, dispatch_uid=f"directory-stale-{model.__name__}")
        post_delete.connect(
            bump, sender=model, dispatch_uid=f"directory-stale-del-{model.__name__}"
        )
    m2m_changed.connect(bump, sender=Task.co_leads.through, dispatch_uid="directory-stale-co")
