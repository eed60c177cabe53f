"""What can go wrong in a reporting cycle, each with a message the person can act on."""

from __future__ import annotations

from guankao.core.exceptions import GuankaoError


class PeriodError(GuankaoError):
    """A period that cannot be opened or changed as asked (bad code, duplicate, wrong table)."""


class InvalidTransition(GuankaoError):
    """A status change the state machine does not allow from the current status."""


class SubmissionLocked(GuankaoError):
    """A change to a submission that is not a draft or returned for correction."""


class IncompleteSubmission(GuankaoError):
    """A submission sent with tasks or measures not filled in."""

    def __init__(self, message: str, missing: list[str]) -> None:
        self.missing = missing
        super().__init__(message)


class InputRejected(GuankaoError):
    """Input that cannot be stored: a figure that is not a number, a file of the wrong type…"""


class EditConflict(GuankaoError):
    """Someone else saved the submission after this person loaded it.

    ``changes`` lists what the other person changed, as (where, field, before, after).
    """

    def __init__(
        self, message: str, changes: list[tuple[str, str, str, str]], version: int
    ) -> None:
        self.changes = changes
        self.version = version
        super().__init__(message)
