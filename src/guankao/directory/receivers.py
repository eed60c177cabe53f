"""What the directory does when the divisions app below it announces a change."""

from __future__ import annotations

from typing import Any

from guankao.core.services import Actor
from guankao.directory.models import ContentKind
from guankao.directory.services import translations_carry_over


def keep_translations_of_changed_tasks(
    sender: object, *, changes: list[tuple[str, str]], actor: Actor, **kwargs: Any
) -> None:
    """A task's text changed (import, table editor): its translations follow it, outdated."""
    translations_carry_over(kind=ContentKind.TASK, changes=changes, actor=actor)


def connect() -> None:
    from guankao.divisions.signals import task_texts_changed

    task_texts_changed.connect(
        keep_translations_of_changed_tasks, dispatch_uid="directory-keep-translations"
    )
