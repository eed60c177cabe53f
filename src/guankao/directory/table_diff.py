"""What changed between two versions of a division table: lives in the divisions app
(``guankao.divisions.diff``), where the import preview reads it too; kept here for callers."""

from __future__ import annotations

from guankao.divisions.diff import (
    ContactChange,
    TableDiff,
    TaskChange,
    TextPiece,
    diff_tables,
    text_diff,
)

__all__ = ["ContactChange", "TableDiff", "TaskChange", "TextPiece", "diff_tables", "text_diff"]
