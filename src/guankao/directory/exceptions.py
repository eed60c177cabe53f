"""What can go wrong in the directory (translations, HSDS exports), with a message to act on."""

from __future__ import annotations

from guankao.core.exceptions import GuankaoError


class TranslationError(GuankaoError):
    """A translation that cannot be saved as asked."""


class ExportError(GuankaoError):
    """The export cannot be written (or would not be valid HSDS)."""
