"""A submission's content as plain JSON, and the differences between two such states.

Every write keeps one snapshot (``SubmissionRevision``). Differences between snapshots feed the
audit log (before → after), the version history, and the message shown when two people edit
the same submission.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from guankao.cycles.models import Figure, MeasureEntry, Submission, TaskEntry
from guankao.tw import format_count, format_roc_date

Snapshot = dict[str, Any]


def figure_text(label: str, value: Decimal | int, unit: str) -> str:
    """A figure as reports print it: ``辦理場次 1萬 2,000人次``."""
    plain = value
    if isinstance(value, Decimal):
        plain = int(value) if value == value.to_integral_value() else value.normalize()
    number = format_count(plain) if isinstance(plain, int) else f"{plain:,f}"
    return f"{label} {number}{unit}".strip()


def _figure(figure: Figure) -> str:
    return figure_text(figure.label, figure.value, figure.unit)


def task_state(entry: TaskEntry) -> dict[str, Any]:
    """One task entry (figures and attachments prefetched) as JSON-friendly values."""
    return {
        "label": entry.label,
        "narrative": entry.narrative,
        "behind": entry.behind,
        "behind_reason": entry.behind_reason,
        "figures": [_figure(f) for f in entry.figures.all()],
        "attachments": [a.original_name for a in entry.attachments.all() if a.removed_at is None],
    }


def measure_state(entry: MeasureEntry) -> dict[str, Any]:
    """One measure entry as JSON-friendly values."""
    measure = entry.measure
    return {
        "label": f"{measure.indicator.plan.number}-{measure.indicator.number} {measure.label}",
        "actual": None if entry.actual is None else f"{entry.actual.normalize():f}",
        "done": entry.done.isoformat() if entry.done else None,
        "note": entry.note,
    }


def snapshot(submission: Submission) -> Snapshot:
    """The whole submission; its entries should be prefetched (see ``selectors``)."""
    return {
        "status": submission.status,
        "tasks": {str(e.task_id): task_state(e) for e in submission.task_entries.all()},
        "measures": {str(e.measure_id): measure_state(e) for e in submission.measure_entries.all()},
    }


def _field_labels() -> dict[str, str]:
    return {
        "status": _("狀態"),
        "narrative": _("辦理情形"),
        "behind": _("進度落後"),
        "behind_reason": _("落後原因及改進措施"),
        "figures": _("數據"),
        "attachments": _("附件"),
        "actual": _("累計實際值"),
        "done": _("實際完成日"),
        "note": _("說明"),
    }


def _text(field: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return _("（空白）")
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if field == "done":
        from datetime import date

        return format_roc_date(date.fromisoformat(value))
    return str(value)


@dataclass(frozen=True, slots=True)
class Change:
    """One field that differs: where (``民政處 第1項``), which field, before and after, as text."""

    where: str
    field: str
    before: str
    after: str

    def as_tuple(self) -> tuple[str, str, str, str]:
        return (self.where, self.field, self.before, self.after)

    def key(self) -> str:
        """How the audit log names the field: ``民政處 第1項｜辦理情形``."""
        return f"{self.where}｜{self.field}" if self.where else self.field


def diff(before: Snapshot, after: Snapshot) -> list[Change]:
    """Every field that differs between two snapshots, in the submission's order."""
    labels = _field_labels()
    changes: list[Change] = []
    if before.get("status") != after.get("status"):
        changes.append(
            Change("", labels["status"], str(before.get("status")), str(after.get("status")))
        )
    for group in ("tasks", "measures"):
        old_items: dict[str, Any] = before.get(group, {})
        new_items: dict[str, Any] = after.get(group, {})
        for key, new in new_items.items():
            old = old_items.get(key, {})
            for field, value in new.items():
                if field == "label" or old.get(field) == value:
                    continue
                changes.append(
                    Change(
                        new["label"],
                        labels[field],
                        _text(field, old.get(field)),
                        _text(field, value),
                    )
                )
    return changes


def changes_as_audit(changes: list[Change]) -> tuple[dict[str, str], dict[str, str]]:
    """The audit log's before and after for a list of changes."""
    return (
        {change.key(): change.before for change in changes},
        {change.key(): change.after for change in changes},
    )
