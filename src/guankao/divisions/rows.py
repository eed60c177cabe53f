"""A division table's tasks as plain rows, before anything is written.

``TaskEntry`` is a task as a file writes it, naming its agency, service area and co-lead
agencies by text (a seed data file by slug, an imported table by label); the seed loader and the
import each look those up their own way and pass ``TaskRow``s, the model's fields with the related
rows as instances, to ``services.table_tasks_replace`` (or ``tasks_create``).
"""

from __future__ import annotations

from dataclasses import dataclass

from guankao.core.models import Agency
from guankao.divisions.models import ServiceArea


@dataclass(frozen=True)
class TaskEntry:
    """A numbered task as written: where it stands in the file (for messages), its agency, its
    service area and its co-lead agencies by the names the file uses."""

    where: str
    agency: str
    number: int
    numbered: bool
    area: str
    text: str
    co_leads: tuple[str, ...]
    # "public" or "internal" (``TaskAudience``); None when the file does not say (an import
    # without an audience column): see ``TaskRow.audience``.
    audience: str | None = None


@dataclass(frozen=True)
class TaskRow:
    """A task to write into a table: the ``Task`` fields, without the table."""

    agency: Agency
    number: int
    numbered: bool
    area: ServiceArea
    text: str
    position: int
    co_leads: tuple[Agency, ...] = ()
    # A ``TaskAudience`` value, or None: keep the task's audience (a staff override survives
    # re-importing a file without that column), or for a new task take the rule's default
    # (``audience.default_audience``, decision 0075).
    audience: str | None = None


@dataclass(frozen=True)
class ContactRow:
    """How a table version prints an agency: its label, name (and parent's) and phone as
    written; ``services.table_contacts_replace`` normalises the phone."""

    agency: Agency
    label: str
    name: str
    parent_name: str
    phone: str

    @classmethod
    def of_agency(cls, agency: Agency) -> ContactRow:
        """The agency's current values (read ``agency`` with its parent)."""
        return cls(
            agency=agency,
            label=agency.label,
            name=agency.name,
            parent_name=agency.parent.name if agency.parent else "",
            phone=agency.phone,
        )
