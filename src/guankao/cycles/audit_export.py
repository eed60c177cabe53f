"""The audit trail of a submission or a period for download: one row per changed field, as JSON
as they are, or as a one-sheet Workbook that ``documents.render.csv`` writes (UTF-8 with BOM;
text that looks like a formula neutralised)."""

from __future__ import annotations

import json
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from guankao.core.models import AuditEntry
from guankao.documents.model import Sheet, SheetColumn, Workbook
from guankao.documents.render import csv
from guankao.tw import format_roc_datetime


def audit_rows(entries: QuerySet[AuditEntry]) -> list[dict[str, Any]]:
    """Each entry as one row per field it changed (one row when it changed none)."""
    rows = []
    for entry in entries:
        local = timezone.localtime(entry.created_at)
        before, after = entry.before or {}, entry.after or {}
        for key in list(dict.fromkeys([*before, *after])) or [""]:
            rows.append(
                {
                    "time": format_roc_datetime(local, seconds=True),
                    "time_iso": local.isoformat(),
                    "actor": entry.actor_label,
                    "action": entry.action,
                    "object": entry.object_repr,
                    "field": key,
                    "before": _cell(before.get(key)),
                    "after": _cell(after.get(key)),
                }
            )
    return rows


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def audit_workbook(rows: list[dict[str, Any]], title: str) -> Workbook:
    """The rows as a sheet: time, actor, action, object, field, before, after."""
    headers = {
        "time": _("時間"),
        "actor": _("操作者"),
        "action": _("動作"),
        "object": _("對象"),
        "field": _("欄位"),
        "before": _("變更前"),
        "after": _("變更後"),
    }
    columns = tuple(SheetColumn(header) for header in headers.values())
    body = tuple(tuple(row[key] for key in headers) for row in rows)
    return Workbook(title, (Sheet(title[:31], columns, body),))


def audit_csv(rows: list[dict[str, Any]], title: str) -> bytes:
    """The rows as CSV (UTF-8 with BOM, CRLF line ends)."""
    return csv.render(audit_workbook(rows, title))
