"""The one state machine of a submission, as data (see docs/cycles.md for the diagram).

    draft ──submit──▶ submitted ──approve──▶ approved
                        │   ▲                  │
                 return │   │ submit           │ reopen (coordinator, with a reason)
                        ▼   │                  │
                      returned ◀───────────────┘

Only the service functions in ``cycles.services`` call :func:`next_status`; nothing else sets
``Submission.status``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from guankao.core.permissions import Action
from guankao.cycles.errors import InvalidTransition
from guankao.cycles.models import SubmissionStatus


class Transition(StrEnum):
    SUBMIT = "submit"
    RETURN = "return"
    APPROVE = "approve"
    REOPEN = "reopen"


@dataclass(frozen=True, slots=True)
class Rule:
    """From which statuses a transition may start, where it ends, and what the matrix calls it."""

    sources: frozenset[SubmissionStatus]
    target: SubmissionStatus
    action: Action
    label: Promise


S = SubmissionStatus
RULES: dict[Transition, Rule] = {
    Transition.SUBMIT: Rule(
        frozenset({S.DRAFT, S.RETURNED}), S.SUBMITTED, Action.SUBMISSION_SUBMIT, _("送出")
    ),
    Transition.RETURN: Rule(
        frozenset({S.SUBMITTED}), S.RETURNED, Action.SUBMISSION_RETURN, _("退回修正")
    ),
    Transition.APPROVE: Rule(
        frozenset({S.SUBMITTED}), S.APPROVED, Action.SUBMISSION_APPROVE, _("核定")
    ),
    Transition.REOPEN: Rule(
        frozenset({S.APPROVED}), S.RETURNED, Action.SUBMISSION_REOPEN, _("重新開放")
    ),
}

# The agency may change its entries only while the submission is with it.
EDITABLE: frozenset[SubmissionStatus] = frozenset({S.DRAFT, S.RETURNED})


def next_status(current: str, transition: Transition) -> SubmissionStatus:
    """The status after ``transition``; raises :class:`InvalidTransition` when not allowed."""
    rule = RULES[transition]
    status = SubmissionStatus(current)
    if status not in rule.sources:
        raise InvalidTransition(
            str(
                _("這份填報目前為「%(status)s」，不能%(transition)s。")
                % {"status": status.label, "transition": rule.label}
            )
        )
    return rule.target


def allowed_transitions(current: str) -> list[Transition]:
    """The transitions that may start from ``current``, in the order buttons show them."""
    status = SubmissionStatus(current)
    return [t for t, rule in RULES.items() if status in rule.sources]
