"""What an import noticed about a file: warnings to read, errors that stop the save."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from django.utils.translation import gettext_lazy as _


class Level(Enum):
    WARNING = "warning"  # saved as read; a person should look
    ERROR = "error"  # nothing can be saved until the file is corrected

    @property
    def label(self) -> str:
        return str(_("警告") if self is Level.WARNING else _("錯誤"))


@dataclass(frozen=True)
class Issue:
    """One finding, with the cell (``Sheet1!B7``) and the row (``Sheet1 第7列``) it is about."""

    level: Level
    message: str
    where: str = ""
    row: str = ""

    def __str__(self) -> str:
        place = f"{self.where}：" if self.where else ""
        return f"[{self.level.label}] {place}{self.message}"


def warning(message: str, where: str = "", row: str = "") -> Issue:
    return Issue(Level.WARNING, message, where, row)


def error(message: str, where: str = "", row: str = "") -> Issue:
    return Issue(Level.ERROR, message, where, row)
