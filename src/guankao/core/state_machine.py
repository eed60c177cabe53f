"""One way to write a state machine: a table of named transitions (decision 0054).

Each app keeps its table next to its models (``cycles/state.py``, ``performance/state.py``);
its one service (``submission_transition``, ``report_transition``) looks the row up here, checks
the role matrix with the row's action, the current status and the reason, and only then writes.
Views and API endpoints read the same rows for their buttons and their messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from django.db.models import TextChoices
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from guankao.core.exceptions import GuankaoError
from guankao.core.permissions import Action

ASK_FOR_A_REASON: Final[Promise] = _("請寫明理由。")
REASON: Final[Promise] = _("理由")


@dataclass(frozen=True, slots=True)
class Transition:
    """One row: its name, from which statuses, to which, who may, and what the person reads."""

    name: str
    sources: frozenset[str]
    target: str
    action: Action
    label: Promise  # the button, and the verb of a refusal (「不能送出」)
    done: Promise  # shown once it happened
    needs_reason: bool = False
    reason_missing: Promise = ASK_FOR_A_REASON  # the refusal when it is left empty
    reason_label: Promise = REASON  # the label of the reason's field


@dataclass(frozen=True, slots=True)
class StateMachine:
    """A table of transitions over ``statuses``.

    ``invalid`` is raised for a transition that may not start from the current status (the API
    answers 409), ``rejected`` for an unknown name or a missing reason (400). ``refused`` is that
    sentence, with ``%(status)s`` (the current status), ``%(transition)s`` (the row's label) and
    ``%(target)s`` (where it would end).
    """

    statuses: type[TextChoices]
    rows: tuple[Transition, ...]
    invalid: type[GuankaoError]
    rejected: type[GuankaoError]
    refused: Promise

    def names(self) -> list[str]:
        return [row.name for row in self.rows]

    def row(self, name: str) -> Transition:
        """The row called ``name``; raises ``rejected`` for an unknown name."""
        for row in self.rows:
            if row.name == name:
                return row
        raise self.rejected(
            str(_("不明的狀態變更「%(name)s」；可用的有：%(names)s。"))
            % {"name": name, "names": "、".join(self.names())}
        )

    def check(self, row: Transition, current: str) -> str:
        """The status after ``row``; raises ``invalid`` when it may not start from ``current``."""
        if current not in row.sources:
            raise self.invalid(self._refusal(current, row.label, row.target))
        return row.target

    def towards(self, current: str, target: str) -> Transition:
        """The row from ``current`` to ``target`` (for a form that names the status it wants)."""
        for row in self.rows:
            if current in row.sources and row.target == target:
                return row
        raise self.invalid(self._refusal(current, self._label(target), target))

    def reason(self, row: Transition, text: str | None) -> str:
        """The reason, trimmed; raises ``rejected`` with the row's sentence when one is needed."""
        reason = (text or "").strip()
        if row.needs_reason and not reason:
            raise self.rejected(str(row.reason_missing))
        return reason

    def available(self, current: str) -> list[Transition]:
        """The rows that may start from ``current``, in the table's order (the buttons' order)."""
        return [row for row in self.rows if current in row.sources]

    def _label(self, status: str) -> str:
        return str(self.statuses(status).label) if status in self.statuses.values else status

    def _refusal(self, current: str, transition: object, target: str) -> str:
        return str(self.refused) % {
            "status": self._label(current),
            "transition": transition,
            "target": self._label(target),
        }
