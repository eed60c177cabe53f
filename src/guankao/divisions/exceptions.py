"""What can go wrong with division tables, each with a message the person can act on."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from guankao.core.exceptions import GuankaoError


class VersionExistsError(GuankaoError):
    """The jurisdiction already has a table of that version."""


class TaskRowInvalid(ValidationError):
    """A row given to :func:`table_tasks_replace` breaks a rule; ``index`` is its place in them."""

    def __init__(self, problem: ValidationError, index: int) -> None:
        super().__init__(problem.messages)
        self.index = index


class PublicationError(GuankaoError):
    """A version cannot be published as asked (already public, or a date that cannot be)."""


class VersionPublishedError(GuankaoError):
    """A published version's tasks and contacts are history: they are not rewritten."""
