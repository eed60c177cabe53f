"""The one state machine of a submission, as data (see docs/cycles.md for the diagram).

    draft ──submit──▶ submitted ──approve──▶ approved
                        │   ▲                  │
                 return │   │ submit           │ reopen (coordinator, with a reason)
                        ▼   │                  │
                      returned ◀───────────────┘

Only ``cycles.services.submission_transition`` reads :data:`TRANSITIONS` to change a status;
nothing else sets ``Submission.status``. Views and API endpoints show the same rows.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from guankao.core.permissions import Action
from guankao.core.state_machine import StateMachine
from guankao.core.state_machine import Transition as Row
from guankao.cycles.exceptions import InputRejected, InvalidTransition
from guankao.cycles.models import SubmissionStatus


class Transition(StrEnum):
    """The names of the transitions (the API's ``"transition"``, the pages' URLs)."""

    SUBMIT = "submit"
    RETURN = "return"
    APPROVE = "approve"
    REOPEN = "reopen"


S = SubmissionStatus
TRANSITIONS = StateMachine(
    statuses=SubmissionStatus,
    rows=(
        Row(
            name=Transition.SUBMIT,
            sources=frozenset({S.DRAFT, S.RETURNED}),
            target=S.SUBMITTED,
            action=Action.SUBMISSION_SUBMIT,
            label=_("送出"),
            done=_("已送出，等候審查。"),
        ),
        Row(
            name=Transition.RETURN,
            sources=frozenset({S.SUBMITTED}),
            target=S.RETURNED,
            action=Action.SUBMISSION_RETURN,
            label=_("退回修正"),
            done=_("已退回機關修正。"),
            needs_reason=True,
            reason_missing=_("退回時請寫明理由（需要修正的地方）。"),
            reason_label=_("退回理由（需要修正的地方）"),
        ),
        Row(
            name=Transition.APPROVE,
            sources=frozenset({S.SUBMITTED}),
            target=S.APPROVED,
            action=Action.SUBMISSION_APPROVE,
            label=_("核定"),
            done=_("已核定，資料已鎖定。"),
        ),
        Row(
            name=Transition.REOPEN,
            sources=frozenset({S.APPROVED}),
            target=S.RETURNED,
            action=Action.SUBMISSION_REOPEN,
            label=_("重新開放"),
            done=_("已重新開放，機關可再修改。"),
            needs_reason=True,
            reason_missing=_("重新開放已核定的資料時，請寫明理由。"),
            reason_label=_("重新開放理由"),
        ),
    ),
    invalid=InvalidTransition,
    rejected=InputRejected,
    refused=_("這份填報目前為「%(status)s」，不能%(transition)s。"),
)

# The agency may change its entries only while the submission is with it.
EDITABLE: frozenset[SubmissionStatus] = frozenset({S.DRAFT, S.RETURNED})
