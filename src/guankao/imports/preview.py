"""The preview of an import: what was read, row by row, with issues, and what would change.

What would change is found by doing the import inside a transaction that is rolled back and
reading the audit entries it wrote (docs/decisions/0034-preview-by-rollback.md). The preview
therefore shows exactly what saving does, through the same services and the same checks, and
saving can verify that nothing moved since the preview by comparing the two.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guankao.core.models import Agency, AuditEntry
from guankao.divisions.diff import TableDiff
from guankao.imports.division import DivisionImport
from guankao.imports.issues import Issue, Level
from guankao.imports.performance import PerformanceImport
from guankao.performance.rows import MeasureRow
from guankao.tw import format_count, format_percent, format_roc_date, format_thousands

ACTIONS = {
    "create": gettext_lazy("新增"),
    "update": gettext_lazy("修改"),
    "delete": gettext_lazy("刪除"),
    "set_co_leads": gettext_lazy("修改共同主辦單位"),
    "outdate": gettext_lazy("譯文標為過時"),
}
# How many changes a page or a terminal lists before it only counts the rest.
LISTED_CHANGES = 200


@dataclass(frozen=True)
class Change:
    """One write the import makes: what, to which object, and the fields before → after."""

    action: str
    object_type: str
    object_repr: str
    details: tuple[str, ...] = ()

    @property
    def action_label(self) -> str:
        return str(ACTIONS.get(self.action, self.action))

    def __str__(self) -> str:
        details = f"（{'；'.join(self.details)}）" if self.details else ""
        return f"{self.action_label} {self.object_type}「{self.object_repr}」{details}"


@dataclass(frozen=True)
class PreviewRow:
    """One row of what was read: where it stands, the values understood, its issues."""

    row: str
    values: tuple[str, ...]
    issues: tuple[Issue, ...] = ()


@dataclass(frozen=True)
class Preview:
    """Everything a person needs to decide whether to save an import."""

    kind: str  # "division" or "performance"
    filename: str
    target: str  # e.g. 基隆市 分工表 114.3
    columns: tuple[str, ...]
    rows: tuple[PreviewRow, ...]
    issues: tuple[Issue, ...]
    changes: tuple[Change, ...]
    rows_read: int
    saved: bool = False
    # A division table: the real differences from the published version it follows.
    diff: TableDiff | None = None

    @property
    def outdated_translations(self) -> int:
        """How many translations the import keeps for changed texts, marked outdated."""
        return sum(1 for change in self.changes if change.action == "outdate")

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.level is Level.ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.level is Level.WARNING]

    @property
    def can_save(self) -> bool:
        return not self.errors

    @property
    def listed_changes(self) -> tuple[Change, ...]:
        return self.changes[:LISTED_CHANGES]

    @property
    def unlisted_changes(self) -> int:
        return max(0, len(self.changes) - LISTED_CHANGES)

    @property
    def change_counts(self) -> dict[str, int]:
        """Changes by action label, e.g. {"新增": 53, "修改": 2}."""
        counts = Counter(change.action_label for change in self.changes)
        return dict(counts)

    @property
    def digest(self) -> str:
        return changes_digest(self.changes)


def changes_digest(changes: tuple[Change, ...]) -> str:
    """A fingerprint of changes, to tell at saving time whether they are still those previewed."""
    payload = [(c.action, c.object_type, c.object_repr, c.details) for c in changes]
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _verbose(model: type[models.Model] | None, name: str) -> str:
    if model is None:
        return name
    try:
        found = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return str(getattr(found, "verbose_name", name))


def _value(model: type[models.Model] | None, name: str, value: Any) -> str:
    """A value from the audit log as a person reads it: a related row by its name."""
    if value is None or value == "":
        return _("（空白）")
    if model is not None:
        try:
            field_ = model._meta.get_field(name)
        except FieldDoesNotExist:
            field_ = None
        if isinstance(field_, models.ForeignKey):
            related = field_.related_model
            if isinstance(related, type) and issubclass(related, models.Model):
                obj = related._default_manager.filter(pk=value).first()
                if obj is not None:
                    return str(obj)
    return str(value)


def describe(entry: AuditEntry) -> Change:
    """An audit entry as a change a person can read; runs before the entry is rolled back."""
    try:
        model: type[models.Model] | None = apps.get_model(entry.object_type)
    except (LookupError, ValueError):
        model = None
    object_type = str(model._meta.verbose_name) if model is not None else entry.object_type
    details: list[str] = []
    if entry.action == "set_co_leads":
        before = (entry.before or {}).get("co_leads", [])
        after = (entry.after or {}).get("co_leads", [])
        labels = dict(Agency.objects.filter(pk__in=[*before, *after]).values_list("pk", "label"))
        details.append(
            "、".join(labels.get(pk, str(pk)) for pk in before) or _("（無）"),
        )
        details[-1] += " → " + ("、".join(labels.get(pk, str(pk)) for pk in after) or _("（無）"))
    elif entry.action == "update" and entry.after:
        before = entry.before or {}
        for name, value in entry.after.items():
            details.append(
                f"{_verbose(model, name)}：{_value(model, name, before.get(name))} → "
                f"{_value(model, name, value)}"
            )
    return Change(entry.action, object_type, entry.object_repr, tuple(details))


class _RollBack(Exception):
    """Raised inside the preview's transaction so that everything it wrote is undone."""


@contextmanager
def recording() -> Iterator[list[Change]]:
    """Collect, as changes, the audit entries written inside the ``with`` block.

    The block runs in the caller's transaction; the changes are described before it ends, so
    objects created and then rolled back can still be named.
    """
    last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    changes: list[Change] = []
    yield changes
    changes.extend(describe(e) for e in AuditEntry.objects.filter(pk__gt=last).order_by("pk"))


def dry_run(apply: Callable[[], object]) -> tuple[Change, ...]:
    """Run ``apply`` in a transaction that is always rolled back; return what it changed."""
    result: tuple[Change, ...] = ()
    try:
        with transaction.atomic():
            with recording() as changes:
                apply()
            result = tuple(changes)  # described while the rows still exist
            raise _RollBack
    except _RollBack:
        pass
    return result


def _attach(rows: list[tuple[str, tuple[str, ...]]], issues: tuple[Issue, ...]) -> list[PreviewRow]:
    """Each issue goes with the first preview row read from the same source row."""
    by_row: dict[str, list[Issue]] = {}
    for issue in issues:
        if issue.row:
            by_row.setdefault(issue.row, []).append(issue)
    result: list[PreviewRow] = []
    for row, values in rows:
        result.append(PreviewRow(row, values, tuple(by_row.pop(row, []))))
    return result


DIVISION_COLUMNS = tuple(
    gettext_lazy(name)
    for name in ("位置", "項目", "主辦單位", "電話", "編號", "業務內容", "共同主辦單位")
)
PERFORMANCE_COLUMNS = tuple(
    gettext_lazy(name)
    for name in (
        "位置",
        "計畫",
        "預算（千元）",
        "執行率",
        "管考代碼",
        "衡量指標",
        "衡量標準",
        "執行績效",
        "衡量標準（讀出）",
    )
)


def division_rows(parsed: DivisionImport) -> list[PreviewRow]:
    """One preview row per task read."""
    phones = {agency.label: agency.phone for agency in parsed.agencies}
    rows: list[tuple[str, tuple[str, ...]]] = [
        (
            task.row,
            (
                task.where,
                task.area,
                task.agency,
                phones.get(task.agency, ""),
                str(task.number)
                if task.numbered
                else _("%(n)d（原表未編號）") % {"n": task.number},
                task.text,
                "、".join(task.co_leads),
            ),
        )
        for task in parsed.tasks
    ]
    return _attach(rows, parsed.issues)


def _figure(value: Decimal | None, unit: str) -> str:
    if value is None:
        return "—"
    if value == value.to_integral_value():
        return f"{format_count(int(value))}{unit}"
    return f"{value.normalize()}{unit}"


def measure_text(measure: MeasureRow) -> str:
    """A measure in one line: ``愛心福利社服務人次：目標 6,300人次，實際 7,048人次``."""
    if measure.kind == "milestone":
        due = format_roc_date(measure.due) if measure.due else "—"
        done = format_roc_date(measure.done) if measure.done else "—"
        return _("%(label)s：預定 %(due)s，完成 %(done)s") % {
            "label": measure.label,
            "due": due,
            "done": done,
        }
    return _("%(label)s：目標 %(target)s，實際 %(actual)s") % {
        "label": measure.label,
        "target": _figure(measure.target, measure.unit),
        "actual": _figure(measure.actual, measure.actual_unit or measure.unit),
    }


def performance_rows(parsed: PerformanceImport) -> list[PreviewRow]:
    """One preview row per indicator read (a plan without indicators gets one of its own)."""
    rows: list[tuple[str, tuple[str, ...]]] = []
    for plan in parsed.plans:
        plan_values = (
            f"{plan.number}. {plan.name}",
            format_thousands(plan.budget_thousands),
            format_percent(plan.reported_rate, 2).replace(".00%", "%")
            if plan.reported_rate is not None
            else "—",
            f"{plan.control_code}（{plan.control_note}）"
            if plan.control_note
            else str(plan.control_code),
        )
        for indicator in plan.indicators or ():
            rows.append(
                (
                    indicator.row,
                    (
                        indicator.where,
                        *plan_values,
                        f"{indicator.number}. {indicator.text}",
                        indicator.standard_text,
                        indicator.achievement_text,
                        "\n".join(measure_text(m) for m in indicator.measures),
                    ),
                )
            )
        if not plan.indicators:
            rows.append((plan.row, (plan.where, *plan_values, "", "", "", "")))
    return _attach(rows, parsed.issues)


def preview_lines(preview: Preview, *, verbosity: int = 1) -> list[str]:
    """The preview as lines of text for a terminal; rows are listed from verbosity 2 on."""
    kind = _("項業務") if preview.kind == "division" else _("項衡量指標")
    lines = [
        _("讀取 %(file)s → %(target)s：%(rows)d %(kind)s（資料列 %(read)d 列）")
        % {
            "file": preview.filename,
            "target": preview.target,
            "rows": len(preview.rows),
            "kind": kind,
            "read": preview.rows_read,
        }
    ]
    if verbosity >= 2:
        for row in preview.rows:
            lines.append("  " + "｜".join(v.replace("\n", " ") for v in row.values))
    for issue in preview.issues:
        lines.append(f"  {issue}")
    lines.append(
        _("錯誤 %(errors)d 個，警告 %(warnings)d 個。")
        % {"errors": len(preview.errors), "warnings": len(preview.warnings)}
    )
    if preview.errors:
        return lines
    if not preview.changes:
        lines.append(_("與資料庫相同，沒有任何變更。"))
        return lines
    counts = "、".join(f"{label} {n}" for label, n in preview.change_counts.items())
    lines.append(_("變更：%(counts)s") % {"counts": counts})
    if preview.diff is not None:
        # The real differences; each write is listed only when asked for (-v 2).
        lines.extend(diff_lines(preview.diff, preview.outdated_translations))
        if verbosity < 2:
            return lines
    limit = len(preview.changes) if verbosity >= 2 else 50
    lines.extend(f"  {change}" for change in preview.changes[:limit])
    if len(preview.changes) > limit:
        lines.append(_("  ……另有 %(n)d 項變更。") % {"n": len(preview.changes) - limit})
    return lines


def diff_lines(diff: TableDiff, outdated: int) -> list[str]:
    """The differences from the published version, one line each, for a terminal."""
    lines = [
        _(
            "與 %(old)s 版相比：機關名稱或電話變更 %(p)d 個、新增 %(a)d 項、刪除 %(r)d 項、"
            "修改 %(c)d 項、未變 %(u)d 項。"
        )
        % {
            "old": diff.old_version,
            "p": len(diff.contacts),
            "a": len(diff.added),
            "r": len(diff.removed),
            "c": len(diff.changed),
            "u": diff.unchanged,
        }
    ]
    blank = _("（無）")
    for contact in diff.contacts:
        if contact.label_changed:
            lines.append(
                _("  名稱 %(old)s → %(new)s") % {"old": contact.old_label, "new": contact.new_label}
            )
        if contact.phone_changed:
            lines.append(
                _("  電話 %(agency)s：%(old)s → %(new)s")
                % {
                    "agency": contact.agency,
                    "old": contact.old_phone or blank,
                    "new": contact.new_phone or blank,
                }
            )
    for task in diff.added:
        lines.append(
            _("  新增 %(a)s %(n)d. %(text)s")
            % {"a": task.agency, "n": task.number, "text": task.new_text}
        )
    for task in diff.removed:
        lines.append(
            _("  刪除 %(a)s %(n)d. %(text)s")
            % {"a": task.agency, "n": task.number, "text": task.old_text}
        )
    for task in diff.changed:
        lines.append(
            _("  修改 %(a)s %(n)d.：%(old)s → %(new)s")
            % {"a": task.agency, "n": task.number, "old": task.old_text, "new": task.new_text}
        )
    if outdated:
        lines.append(
            _("  這些修改會讓 %(n)d 則譯文標為過時（保留譯文，待人審閱）。") % {"n": outdated}
        )
    return lines
