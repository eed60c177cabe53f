"""The one state machine of the annual report, as data (decisions 0012, 0054).

    draft ──finalise──▶ final ──publish──▶ published ──correct──▶ correcting
      ▲                   │                    ▲                      │
      └──────return───────┘                    └──republish / cancel──┘

Only ``performance.services.report_transition`` reads :data:`TRANSITIONS` to change a status.
Finalising and publishing need the report's rules to pass (``ReportNotReady``); while final or
published, the year's data cannot be edited (``ReportLocked``). A published report is corrected
by a 勘誤 (decision 0067): ``correct`` opens it for editing with a reason while the public keeps
reading the last published revision, ``republish`` publishes the next revision, and
``cancel`` closes a correction opened by mistake, allowed only while nothing has changed.
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
    CORRECT = "correct"
    REPUBLISH = "republish"
    CANCEL = "cancel"


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
            done=_("報告已公開（第 1 版）。"),
        ),
        Row(
            name=Transition.CORRECT,
            sources=frozenset({S.PUBLISHED}),
            target=S.CORRECTING,
            action=Action.DATA_EDIT,
            label=_("勘誤"),
            done=_("已開啟勘誤：請修正資料後公開勘誤版；公開頁面仍顯示目前版本。"),
            needs_reason=True,
            reason_missing=_("請寫明勘誤原因。"),
            reason_label=_("勘誤原因"),
        ),
        Row(
            name=Transition.REPUBLISH,
            sources=frozenset({S.CORRECTING}),
            target=S.PUBLISHED,
            action=Action.DATA_EDIT,
            label=_("公開勘誤版"),
            done=_("勘誤版已公開。"),
        ),
        Row(
            name=Transition.CANCEL,
            sources=frozenset({S.CORRECTING}),
            target=S.PUBLISHED,
            action=Action.DATA_EDIT,
            label=_("取消勘誤"),
            done=_("已取消勘誤；報告維持目前公開的版本。"),
        ),
    ),
    invalid=InvalidTransition,
    rejected=InvalidTransition,
    refused=_("報告狀態不能從「%(status)s」改為「%(target)s」。"),
)
