"""The report's status: each change is confirmed first, saying what becomes locked or public
(定稿, 公開, 勘誤, 公開勘誤版); going back to draft needs no confirmation (decision 0067)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from guankao.core.state_machine import Transition as Row
from guankao.performance import revisions, rules, selectors, services
from guankao.performance.exceptions import InvalidTransition, ReportNotReady
from guankao.performance.forms import TransitionForm
from guankao.performance.models import PerformanceReport, ReportStatus
from guankao.performance.state import TRANSITIONS as REPORT_TRANSITIONS
from guankao.performance.state import Transition
from guankao.performance.views.access import (
    department_of,
    explains_missing,
    report_of,
    staff_required,
)

# What each confirmation says becomes locked or public (lazy: read at import, shown per request).
CONSEQUENCES = {
    Transition.FINALISE: gettext_lazy(
        "定稿後，本年度的施政計畫、衡量指標、衡量標準、前言與重要施政具體事蹟都不能再修改，"
        "直到退回草稿。"
    ),
    Transition.PUBLISH: gettext_lazy(
        "公開後，任何人都能在網站閱讀與下載本報告（第 1 版），各種格式的檔案固定保存；"
        "報告內容不能再修改，更正須以勘誤辦理，並公開勘誤說明。"
    ),
    Transition.CORRECT: gettext_lazy(
        "開啟勘誤後可修改本年度資料；在公開勘誤版之前，公開頁面與下載仍是目前的版本。"
        "勘誤原因會印在公開頁面的勘誤說明。"
    ),
    Transition.REPUBLISH: gettext_lazy(
        "公開後，公開頁面與下載改為新的版本並顯示勘誤說明；先前各版仍可下載，內容不變。"
    ),
    Transition.CANCEL: gettext_lazy(
        "取消後，報告回到目前公開的版本，不產生新的版本；只有在勘誤尚未修改任何資料時才能取消。"
    ),
}


def problem_links(org: str, year: int, problems: list[rules.Problem]) -> list[tuple[str, str]]:
    """Each readiness problem with the page (and place) where it is fixed."""
    edit = reverse("performance:report_edit", args=[org, year])
    plans = reverse("performance:plans", args=[org, year])
    review = reverse("performance:review", args=[org, year])
    places = {
        "text": edit + "#h-text",
        "achievements": edit + "#h-items",
        "achievement": edit + "#a{ref}",
        "indicator": plans + "#i{ref}",
        "review": review + "#r{ref}",
    }
    return [(problem.text, places[problem.where].format(ref=problem.ref)) for problem in problems]


def _confirmation(
    request: HttpRequest,
    report: PerformanceReport,
    row: Row,
    *,
    org: str,
    year: int,
    reason_error: str = "",
    status: int = 200,
) -> HttpResponse:
    live = selectors.report_data(report)
    context: dict[str, Any] = {
        "report": report,
        "org": org,
        "year": year,
        "row": row,
        "consequence": CONSEQUENCES.get(Transition(row.name), ""),
        "reason": request.POST.get("reason", ""),
        "reason_error": reason_error,
    }
    if row.target in (ReportStatus.FINAL, ReportStatus.PUBLISHED) and row.name != Transition.CANCEL:
        context["problems"] = problem_links(org, year, rules.readiness(live))
    last = selectors.latest_revision(report)
    if last is not None:
        context["revision"] = last.number
        if row.name == Transition.REPUBLISH:
            context["changes"] = revisions.changes(revisions.load(last.data), live)
            context["next_revision"] = last.number + 1
    return render(request, "performance/transition_confirm.html", context, status=status)


@explains_missing
@staff_required
@require_POST
def transition(request: HttpRequest, org: str, year: int) -> HttpResponse:
    """Move the report's status through the state machine. The report page's button posts the
    status wanted; unless it is 退回草稿, a confirmation page answers first, and its own button
    (``confirmed``) makes the change. Refusals are shown, not raised."""
    department = department_of(org)
    report = report_of(department, year)
    back = redirect(reverse("performance:report", args=[org, year]))
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("不明的報告狀態。"))
        return back
    try:
        # The form names the status wanted (the button's); the table knows the transition.
        name = form.cleaned_data["transition"]
        if name:
            row = REPORT_TRANSITIONS.row(name)
            REPORT_TRANSITIONS.check(row, report.status)
        else:
            row = REPORT_TRANSITIONS.towards(report.status, form.cleaned_data["to"])
    except InvalidTransition as error:
        messages.error(request, str(error))
        return back
    if row.name != Transition.RETURN and request.POST.get("confirmed") != "yes":
        return _confirmation(request, report, row, org=org, year=year)
    reason = request.POST.get("reason", "")
    if row.needs_reason and not reason.strip():
        return _confirmation(
            request,
            report,
            row,
            org=org,
            year=year,
            reason_error=str(row.reason_missing),
            status=400,
        )
    try:
        services.report_transition(
            report=report, transition=row.name, reason=reason, actor=request.user
        )
    except ReportNotReady:
        # The confirmation page lists each problem with a link to where it is fixed.
        return _confirmation(request, report, row, org=org, year=year, status=409)
    except InvalidTransition as error:
        messages.error(request, str(error))
    else:
        messages.success(request, str(row.done))
    return back
