"""What changed between two versions of a division table.

Tasks are matched by agency and number (the way the table itself numbers them); a matched task
whose area, text or co-lead agencies differ is "changed", with a word-level diff of its text.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from guankao.divisions.models import DivisionTable, Task


@dataclass(frozen=True)
class TextPiece:
    kind: str  # "same", "removed" or "added"
    text: str


@dataclass(frozen=True)
class TaskChange:
    agency: str
    number: int
    old: Task | None
    new: Task | None
    fields: tuple[str, ...]  # which of area, text, co_leads changed
    text_diff: tuple[TextPiece, ...]


@dataclass(frozen=True)
class TableDiff:
    old: DivisionTable
    new: DivisionTable
    added: tuple[TaskChange, ...]
    removed: tuple[TaskChange, ...]
    changed: tuple[TaskChange, ...]
    unchanged: int


def text_diff(old: str, new: str) -> tuple[TextPiece, ...]:
    """Character-level diff (Chinese has no spaces), merged into runs."""
    pieces: list[TextPiece] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(TextPiece("same", old[a1:a2]))
            continue
        if a2 > a1:
            pieces.append(TextPiece("removed", old[a1:a2]))
        if b2 > b1:
            pieces.append(TextPiece("added", new[b1:b2]))
    return tuple(pieces)


def _tasks(table: DivisionTable) -> dict[tuple[str, int], Task]:
    return {(t.agency.label, t.number): t for t in table.tasks.with_related().in_table_order()}


def _co_leads(task: Task) -> list[str]:
    return sorted(a.label for a in task.co_leads.all())


def diff_tables(old: DivisionTable, new: DivisionTable) -> TableDiff:
    """Added, removed and changed tasks from ``old`` to ``new`` (4 queries)."""
    before, after = _tasks(old), _tasks(new)
    added = [TaskChange(k[0], k[1], None, after[k], (), ()) for k in after if k not in before]
    removed = [TaskChange(k[0], k[1], before[k], None, (), ()) for k in before if k not in after]
    changed: list[TaskChange] = []
    unchanged = 0
    for key in before.keys() & after.keys():
        a, b = before[key], after[key]
        fields = tuple(
            name
            for name, differs in (
                ("area", a.area_id != b.area_id),
                ("text", a.text != b.text),
                ("co_leads", _co_leads(a) != _co_leads(b)),
            )
            if differs
        )
        if fields:
            changed.append(TaskChange(key[0], key[1], a, b, fields, text_diff(a.text, b.text)))
        else:
            unchanged += 1
    order = {key: i for i, key in enumerate([*before, *after])}
    return TableDiff(
        old=old,
        new=new,
        added=tuple(sorted(added, key=lambda c: order[(c.agency, c.number)])),
        removed=tuple(sorted(removed, key=lambda c: order[(c.agency, c.number)])),
        changed=tuple(sorted(changed, key=lambda c: order[(c.agency, c.number)])),
        unchanged=unchanged,
    )
