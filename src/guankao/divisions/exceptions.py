"""What can go wrong with division tables, each with a message the person can act on."""

from __future__ import annotations

from guankao.core.exceptions import GuankaoError


class VersionExistsError(GuankaoError):
    """The jurisdiction already has a table of that version."""
