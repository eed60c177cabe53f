"""What can go wrong with an import or an export, each with a message the person can act on."""

from __future__ import annotations

from django.utils.translation import gettext as _

from guankao.core.exceptions import GuankaoError


class ImportFailed(GuankaoError):
    """The import cannot be saved; the message says where and why."""


class ImportStale(ImportFailed):
    """The database changed between the preview and the save: the person must look again."""


class ExportFailed(GuankaoError):
    """The export cannot be made from what was asked; the message says why."""


class FileRejected(GuankaoError):
    """The file cannot be read as what it claims to be; the message names the file and why."""

    def __init__(self, filename: str, reason: str) -> None:
        self.filename = filename
        self.reason = reason
        super().__init__(_("%(file)s：%(reason)s") % {"file": filename, "reason": reason})
