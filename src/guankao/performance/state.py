"""The one state machine of the annual report, as data (decisions 0012, 0054).

    draft ──finalise──▶ final ──publish──▶ published
      ▲                   │
      └──────return───────┘

Only ``performance.services.report_transition`` reads :data:`TRANSITIONS` to change a status.
Finalising also needs the report's rules to pass (``ReportNotReady``); while final, the year's
data cannot be edited (``ReportLocked``). There is no way back from published (decision 0005).
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from guankao.core.permissions import Action
from guankao.core.state_machine import StateMachine
from guankao.core.state_machine import Transition as Row
from guankao.performance.exceptions import InvalidTransition
from guankao.performance.models import ReportStatus


class Transition(StrEnum):
    """The names of the report's transitions."""

    FINALISE = "finalise"
    RETURN = "return"
    PUBLISH = "publish"


S = ReportStatus
# The rows' order is the order of the report page's buttons; each button reads its target status.
TRANSITIONS = StateMachine(
    statuses=ReportStatus,
    rows=(
        Row(
            name=Transition.FINALISE,
            sources=frozenset({S.DRAFT}),
            target=S.FINAL,
            action=Action.DATA_EDIT,
            label=_("定稿"),
            done=_("報告狀態已改為「定稿」。"),
        ),
        Row(
            name=Transition.RETURN,
            sources=frozenset({S.FINAL}),
            target=S.DRAFT,
            action=Action.DATA_EDIT,
            label=_("草稿"),
            done=_("報告狀態已改為「草稿」。"),
        ),
        Row(
            name=Transition.PUBLISH,
            sources=frozenset({S.FINAL}),
            target=S.PUBLISHED,
            action=Action.DATA_EDIT,
            label=_("已公開"),
            done=_("報告狀態已改為「已公開」。"),
        ),
    ),
    invalid=InvalidTransition,
    rejected=InvalidTransition,
    refused=_("報告狀態不能從「%(status)s」改為「%(target)s」。"),
)
