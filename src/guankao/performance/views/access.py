"""What every performance page shares: who may see it, and a 404 that names what is missing."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from guankao.core.models import Agency
from guankao.core.permissions import Action, can, denied_message
from guankao.performance import selectors
from guankao.performance.exceptions import (
    NotFound,
    PerformanceError,
)
from guankao.performance.models import (
    Indicator,
    PerformanceReport,
    Plan,
)
from guankao.tw import from_roc_year

P = ParamSpec("P")
View = Callable[Concatenate[HttpRequest, P], HttpResponse]


class Missing(Http404):
    """An unknown department, year, report or format: the page says which (HTTP 404)."""


def explains_missing(view: View[P]) -> View[P]:
    """Show a Missing error as a page that names what was not found, rather than a bare 404."""

    @wraps(view)
    def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except Missing as error:
            return render(request, "performance/missing.html", {"message": str(error)}, status=404)

    return wrapper


def staff_required(view: View[P]) -> View[P]:
    """Staff pages: sign in first, then the role matrix over the page's department.

    Reading (GET, HEAD) needs ``data.view``, changing anything ``data.edit``; both scoped to the
    department named by the URL's ``org`` (without one, holding the role anywhere is enough).
    """

    @wraps(view)
    def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        action = Action.DATA_VIEW if request.method in {"GET", "HEAD"} else Action.DATA_EDIT
        org = kwargs.get("org")
        # An unknown department is left to the view, which answers 404 with its own message.
        department = Agency.objects.filter(slug=org).first() if isinstance(org, str) else None
        if not can(request.user, action, department):
            raise PermissionDenied(denied_message(action))
        return view(request, *args, **kwargs)

    return wrapper


def is_staff(request: HttpRequest, department: Agency) -> bool:
    """Whether the reader may see ``department``'s drafts: signed in with a role that reads
    staff pages over the department (a reporter of another city sees only what is published)."""
    return bool(request.user.is_authenticated and can(request.user, Action.DATA_VIEW, department))


def department_of(org: str) -> Agency:
    try:
        return selectors.department_get(slug=org)
    except NotFound as error:
        raise Missing(str(error)) from None


def indicator_of(department: Agency, year: int, pk: int) -> Indicator:
    """The indicator ``pk`` of ``department``'s plans of ROC ``year``, or 404."""
    return get_object_or_404(
        Indicator.objects.select_related("plan__department"),
        pk=pk,
        plan__department=department,
        plan__year=from_roc_year(year),
    )


def ensure_known_year(department: Agency, year: int) -> None:
    """404 for a year with neither plans nor a report: a typo, not an empty year."""
    gregorian = from_roc_year(year) if year >= 1 else 0
    if not (
        Plan.objects.filter(department=department, year=gregorian).exists()
        or PerformanceReport.objects.filter(department=department, year=gregorian).exists()
    ):
        raise Missing(
            _("%(department)s沒有 %(year)d年度的施政計畫。")
            % {"department": department.label, "year": year}
        )


def report_of(department: Agency, year: int, *, published_only: bool = False) -> PerformanceReport:
    try:
        report = selectors.report_get(
            department=department, roc_year=year, published_only=published_only
        )
    except NotFound as error:
        raise Missing(str(error)) from None
    report.department = department
    return report


def show_refusal(request: HttpRequest, error: PerformanceError) -> None:
    messages.error(request, str(error))
