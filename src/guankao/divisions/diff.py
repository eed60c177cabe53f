"""What really changed between two versions of a division table, as plain data.

Tasks are matched by agency and number (the way the table itself numbers them); a matched task
whose area, text or co-lead agencies differ is "changed", with a character-level diff of its
text (Chinese has no spaces between words). Agencies in both versions whose printed label or
phone differ are listed too. The staff versions page and the import preview both show this, so
a new version is read as its few real changes, not as every task "added" (issue 12).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from guankao.divisions.models import AgencyContact, DivisionTable, Task


@dataclass(frozen=True)
class TextPiece:
    kind: str  # "same", "removed" or "added"
    text: str


@dataclass(frozen=True)
class TaskChange:
    agency: str  # as the newer version prints it (the older one for a removed task)
    number: int
    old_text: str  # "" for an added task
    new_text: str  # "" for a removed task
    old_area: str
    new_area: str
    fields: tuple[str, ...] = ()  # which of area, text, co_leads changed
    text_diff: tuple[TextPiece, ...] = ()


@dataclass(frozen=True)
class ContactChange:
    agency: str  # as the newer version prints it
    old_label: str
    new_label: str
    old_phone: str
    new_phone: str

    @property
    def label_changed(self) -> bool:
        return self.old_label != self.new_label

    phone_changed: bool = False  # another number or extension


@dataclass(frozen=True)
class TableDiff:
    old_version: str
    new_version: str
    added: tuple[TaskChange, ...]
    removed: tuple[TaskChange, ...]
    changed: tuple[TaskChange, ...]
    contacts: tuple[ContactChange, ...]
    unchanged: int

    @property
    def text_changes(self) -> tuple[tuple[str, str], ...]:
        """(old, new) texts of the changed tasks whose text changed."""
        return tuple((c.old_text, c.new_text) for c in self.changed if "text" in c.fields)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.contacts)


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


def _tasks(table: DivisionTable) -> dict[tuple[int, int], Task]:
    return {(t.agency_id, t.number): t for t in table.tasks.with_related().in_table_order()}


def _contacts(table: DivisionTable) -> dict[int, AgencyContact]:
    return {c.agency_id: c for c in AgencyContact.objects.of_table(table)}


def diff_tables(old: DivisionTable, new: DivisionTable) -> TableDiff:
    """Added, removed and changed tasks and changed contacts from ``old`` to ``new`` (6 queries)."""
    before, after = _tasks(old), _tasks(new)
    old_contacts, new_contacts = _contacts(old), _contacts(new)

    def label(agency_id: int, task: Task) -> str:
        contact = new_contacts.get(agency_id) or old_contacts.get(agency_id)
        return contact.label if contact is not None else task.agency.label

    def co_leads(task: Task, contacts: dict[int, AgencyContact]) -> list[str]:
        return sorted(
            contacts[a.pk].label if a.pk in contacts else a.label for a in task.co_leads.all()
        )

    order = {key: i for i, key in enumerate([*before, *after])}
    added = [
        TaskChange(label(k[0], t), k[1], "", t.text, "", t.area.name)
        for k, t in after.items()
        if k not in before
    ]
    removed = [
        TaskChange(label(k[0], t), k[1], t.text, "", t.area.name, "")
        for k, t in before.items()
        if k not in after
    ]
    changed: list[TaskChange] = []
    unchanged = 0
    for key in sorted(before.keys() & after.keys(), key=order.__getitem__):
        a, b = before[key], after[key]
        fields = tuple(
            name
            for name, differs in (
                ("area", a.area_id != b.area_id),
                ("text", a.text != b.text),
                ("co_leads", co_leads(a, old_contacts) != co_leads(b, new_contacts)),
            )
            if differs
        )
        if fields:
            changed.append(
                TaskChange(
                    label(key[0], b),
                    key[1],
                    a.text,
                    b.text,
                    a.area.name,
                    b.area.name,
                    fields,
                    text_diff(a.text, b.text),
                )
            )
        else:
            unchanged += 1
    contacts = [
        ContactChange(
            n.label,
            o.label,
            n.label,
            o.phone,
            n.phone,
            (o.phone_e164, o.phone_extension) != (n.phone_e164, n.phone_extension),
        )
        for agency_id, n in new_contacts.items()
        if (o := old_contacts.get(agency_id)) is not None
        # The same number written another way is no change; a new label or number is.
        and (o.label, o.phone_e164, o.phone_extension) != (n.label, n.phone_e164, n.phone_extension)
    ]
    return TableDiff(
        old_version=old.version,
        new_version=new.version,
        added=tuple(added),
        removed=tuple(removed),
        changed=tuple(changed),
        contacts=tuple(sorted(contacts, key=lambda c: c.agency)),
        unchanged=unchanged,
    )
