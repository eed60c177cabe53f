"""Role × scope × endpoint: staff of another city, and an account with no role, reach nothing
of Keelung's or Hsinchu's that is not public.

The endpoints come from the URL map itself, so a new URL fails this test until it is listed
below as public, personal or scoped (with the arguments to call it with). Each scoped URL is
called with GET and POST by every outsider; each must answer "no" (302 to the sign-in, 401,
403, 404 or 405) and write nothing. The seed report is set back to draft first, so that a
draft leaking to the public or to another city shows up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from guankao.core.accounts import membership_grant
from guankao.core.models import Agency, AuditEntry, Jurisdiction, Role
from guankao.core.tokens import api_token_create
from guankao.cycles.demo import load_demo as load_cycles_demo
from guankao.cycles.models import ReportingPeriod, Submission
from guankao.directory.models import ContentTranslation
from guankao.divisions.models import DivisionTable
from guankao.performance.models import Indicator, Measure, PerformanceReport, Plan

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# Anyone may read these; what they show is public by design (or the sign-in itself).
PUBLIC = {
    "site:home",
    "login",
    "logout",
    "core:login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "directory:index",
    "directory:home",
    "directory:area",
    "directory:agency",
    "directory:agency-leaflet",
    "hsds:root",
    "hsds:services",
    "hsds:service",
    "hsds:organizations",
    "hsds:organization",
    "hsds:taxonomy_terms",
    "api-v1:openapi-json",
    "api-v1:openapi-view",
    "api-v1:api-root",
    "api-v1:search",
    "api-v1:areas",
    # Jurisdictions and agencies, and the published table versions with their tasks and
    # contacts; drafts only to their staff, and writes (POST/PATCH of tasks) only by them:
    # tests/api/test_resources.py checks both for outsiders.
    "api-v1:jurisdiction_list",
    "api-v1:jurisdiction_detail",
    "api-v1:agency_list",
    "api-v1:agency_detail",
    "api-v1:table_list",
    "api-v1:table_detail",
    "api-v1:task_list",
    "api-v1:task_detail",
    "api-v1:task_create",
    "api-v1:task_update",
    # Published reports only: the index and the open-data catalogue.
    "performance:index",
    "performance:open_data",
    # Overviews of published reports; a department's drafts only for its own staff
    # (tests/performance/test_overview.py checks that another city's staff do not see them).
    "performance:city",
    "performance:national",
    "performance:indicators",
    "performance:indicator",
}
# A signed-in person's own pages: they show only that person's data.
PERSONAL = {
    "password_change",
    "password_change_done",
    "core:api-tokens",
    "core:api-token-revoke",
    "core:two-factor-enrol",
    "core:two-factor-verify",
    "core:two-factor-recovery-codes",
    "core:keep-alive",
    "imports:index",
    "imports:division",
    "imports:performance",
    "imports:preview",
    "imports:cancel",
    "cycles:home",
    "cycles:period_open",
    "directory:staff-tables",
    "directory:staff-translations",
    "directory:staff-unanswered",
}
NO = {302, 401, 403, 404, 405}


@dataclass(frozen=True)
class Objects:
    """Keelung's and Hsinchu's records that the scoped URLs are called with."""

    table: int
    translation: int
    period: int
    submission: int
    plan: int
    indicator: int
    measure: int


def scoped_urls(o: Objects) -> dict[str, list[str]]:
    """Each scoped URL name with the paths to call (several for several formats)."""
    report = {"org": "hsinchu-social", "year": 108}
    return {
        "directory:staff-copy": [reverse("directory:staff-copy", args=[o.table])],
        "directory:staff-diff": [reverse("directory:staff-diff", args=[o.table])],
        "directory:staff-publish": [reverse("directory:staff-publish", args=[o.table])],
        "directory:staff-translation-edit": [
            reverse("directory:staff-translation-edit", args=[o.translation])
        ],
        "performance:report": [reverse("performance:report", kwargs=report)],
        "performance:download": [
            reverse("performance:download", kwargs={**report, "fmt": fmt})
            for fmt in ("html", "pdf", "json", "xlsx", "ods", "odt", "docx")
        ],
        # A draft's scorecard, metadata and kept revisions are not public (the seed is a draft here).
        "performance:scorecard": [reverse("performance:scorecard", kwargs=report)],
        "performance:scorecard_download": [
            reverse("performance:scorecard_download", kwargs={**report, "fmt": fmt})
            for fmt in ("json", "csv", "pdf")
        ],
        "performance:revision_download": [
            reverse("performance:revision_download", kwargs={**report, "number": 1, "fmt": "pdf"})
        ],
        "performance:metadata": [reverse("performance:metadata", kwargs=report)],
        "performance:trend": [reverse("performance:trend", kwargs={**report, "pk": o.indicator})],
        "performance:transition": [reverse("performance:transition", kwargs=report)],
        "performance:report_start": [reverse("performance:report_start", kwargs=report)],
        "performance:report_edit": [reverse("performance:report_edit", kwargs=report)],
        "performance:plans": [reverse("performance:plans", kwargs=report)],
        "performance:plan_create": [reverse("performance:plan_create", kwargs=report)],
        "performance:plans_save": [reverse("performance:plans_save", kwargs=report)],
        "performance:plan": [reverse("performance:plan", kwargs={**report, "pk": o.plan})],
        "performance:indicator_create": [
            reverse("performance:indicator_create", kwargs={**report, "pk": o.plan})
        ],
        "performance:indicator": [
            reverse("performance:indicator", kwargs={**report, "pk": o.indicator})
        ],
        "performance:measure_create": [
            reverse("performance:measure_create", kwargs={**report, "pk": o.indicator})
        ],
        "performance:measure": [reverse("performance:measure", kwargs={**report, "pk": o.measure})],
        "performance:rate_method": [reverse("performance:rate_method", kwargs=report)],
        "performance:review": [reverse("performance:review", kwargs=report)],
        "performance:shortfall_review": [
            reverse("performance:shortfall_review", kwargs={**report, "pk": o.measure})
        ],
        "imports:template": [
            "/imports/template/performance.xlsx?org=hsinchu-social&year=108",
            "/imports/template/performance.ods?org=hsinchu-social&year=108",
            "/imports/template/division.xlsx?jurisdiction=keelung&version=112.7",
        ],
        "cycles:period": [reverse("cycles:period", args=[o.period])],
        "cycles:period_deadline": [reverse("cycles:period_deadline", args=[o.period])],
        "cycles:committee_report": [reverse("cycles:committee_report", args=[o.period])],
        "cycles:early_warning": [reverse("cycles:early_warning", args=[o.period])],
        "cycles:corrective_action": [
            reverse("cycles:corrective_action", args=[o.period, o.measure])
        ],
        "cycles:period_audit_export": [
            reverse("cycles:period_audit_export", args=[o.period, fmt]) for fmt in ("csv", "json")
        ],
        "cycles:attachment": [reverse("cycles:attachment", args=[o.submission])],
        **{
            f"cycles:{name}": [reverse(f"cycles:{name}", args=[o.submission])]
            for name in (
                "submission",
                "submission_edit",
                "submission_submit",
                "submission_return",
                "submission_approve",
                "submission_reopen",
                "comment_add",
                "remind",
                "submission_audit",
            )
        },
        "cycles:submission_audit_export": [
            reverse("cycles:submission_audit_export", args=[o.submission, fmt])
            for fmt in ("csv", "json")
        ],
        **api_urls(o),
    }


def api_urls(o: Objects) -> dict[str, list[str]]:
    """The JSON API's scoped operations, by their ninja URL names."""
    submission = f"/api/v1/cycles/submissions/{o.submission}"
    return {
        "api-v1:period_list": ["/api/v1/cycles/periods"],
        "api-v1:period_create": ["/api/v1/cycles/periods"],
        "api-v1:period_update": [f"/api/v1/cycles/periods/{o.period}"],
        "api-v1:period_dashboard": [f"/api/v1/cycles/periods/{o.period}/dashboard"],
        "api-v1:period_committee_report": [f"/api/v1/cycles/periods/{o.period}/committee-report"],
        "api-v1:period_early_warning": [f"/api/v1/cycles/periods/{o.period}/early-warning"],
        "api-v1:submission_list": ["/api/v1/cycles/submissions"],
        "api-v1:submission_detail": [submission],
        "api-v1:submission_draft": [f"{submission}/draft"],
        "api-v1:submission_transition": [f"{submission}/transitions"],
        "api-v1:submission_submit": [f"{submission}/submit"],
        "api-v1:submission_return": [f"{submission}/return"],
        "api-v1:submission_approve": [f"{submission}/approve"],
        "api-v1:submission_reopen": [f"{submission}/reopen"],
        "api-v1:submission_comment": [f"{submission}/comments"],
        "api-v1:submission_remind": [f"{submission}/remind"],
        "api-v1:submission_audit": [f"{submission}/audit"],
        "api-v1:report_json": ["/api/v1/performance/reports/hsinchu-social/108"],
        "api-v1:measure_patch": [f"/api/v1/performance/measures/{o.measure}"],
        "api-v1:plan_list": ["/api/v1/performance/plans"],
        "api-v1:plan_detail": [f"/api/v1/performance/plans/{o.plan}"],
        "api-v1:indicator_list": ["/api/v1/performance/indicators"],
        "api-v1:indicator_detail": [f"/api/v1/performance/indicators/{o.indicator}"],
        "api-v1:measure_list": ["/api/v1/performance/measures"],
        "api-v1:measure_detail": [f"/api/v1/performance/measures/{o.measure}"],
        "api-v1:plan_create": ["/api/v1/performance/plans"],
        "api-v1:plan_patch": [f"/api/v1/performance/plans/{o.plan}"],
        "api-v1:indicator_create": ["/api/v1/performance/indicators"],
        "api-v1:indicator_patch": [f"/api/v1/performance/indicators/{o.indicator}"],
        "api-v1:measure_create": ["/api/v1/performance/measures"],
    }


# Lists that are scoped by what they return rather than by their URL: an outsider gets 200 with
# none of Keelung's or Hsinchu's rows (checked by ``_leaks``).
LISTS = {
    "api-v1:period_list",
    "api-v1:submission_list",
    "api-v1:plan_list",
    "api-v1:indicator_list",
    "api-v1:measure_list",
}


def url_names() -> Iterator[str]:
    """Every named URL of the project outside the admin."""

    def walk(patterns: list[Any], namespace: str) -> Iterator[str]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.app_name == "admin":
                    continue
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}{pattern.name}"

    yield from walk(get_resolver().url_patterns, "")


@pytest.fixture
def objects() -> Objects:
    load_cycles_demo(actor=None)
    # A draft, so that a leak of drafts shows; the seed's report is published.
    PerformanceReport.objects.filter(department__slug="hsinchu-social").update(status="draft")
    measure = Measure.objects.filter(indicator__plan__department__slug="hsinchu-social").first()
    assert measure is not None
    indicator: Indicator = measure.indicator
    plan: Plan = indicator.plan
    keelung_text = ContentTranslation.objects.filter(
        kind="task", source__contains="家庭暴力"
    ).first()
    assert keelung_text is not None
    return Objects(
        table=DivisionTable.objects.for_jurisdiction("keelung").get().pk,
        translation=keelung_text.pk,
        period=ReportingPeriod.objects.get(jurisdiction__slug="keelung", code="113H1").pk,
        submission=Submission.objects.filter(period__jurisdiction__slug="keelung").first().pk,  # type: ignore[union-attr]
        plan=plan.pk,
        indicator=indicator.pk,
        measure=measure.pk,
    )


def outsider(role: Role | None) -> User:
    """An account of another city (Taipei) holding ``role`` there, or no role at all."""
    user = User.objects.create_user(f"outsider-{role or 'none'}", password="x" * 12)
    if role is None:
        return user
    taipei, _ = Jurisdiction.objects.get_or_create(
        slug="taipei", defaults={"name": "臺北市", "area_code": "02"}
    )
    if role == Role.REPORTER:
        agency, _ = Agency.objects.get_or_create(
            slug="taipei-police",
            defaults={"jurisdiction": taipei, "name": "臺北市政府警察局", "label": "臺北市警察局"},
        )
        membership_grant(user=user, role=role, agency=agency, actor=None)
    else:
        membership_grant(user=user, role=role, jurisdiction=taipei, actor=None)
    return user


def test_every_url_is_classified(objects: Objects) -> None:
    scoped = set(scoped_urls(objects))
    names = set(url_names())
    assert names - PUBLIC - PERSONAL - scoped == set()
    assert scoped - names == set()  # the list names no URL that is gone


def _leaks(name: str, body: bytes) -> bool:
    """Whether a list endpoint's 200 carries Keelung's or Hsinchu's rows."""
    return name in LISTS and any(word in body.decode() for word in ("基隆", "keelung", "新竹"))


@pytest.mark.parametrize("role", [None, Role.REPORTER, Role.REVIEWER, Role.COORDINATOR])
def test_outsiders_reach_nothing_scoped(
    role: Role | None, objects: Objects, client_for: Callable[[str | None], Client]
) -> None:
    client = client_for(outsider(role).username)
    audit_before = AuditEntry.objects.count()
    answered: dict[tuple[str, str], int] = {}
    leaked: list[str] = []
    urls = scoped_urls(objects)
    lists = {path for name in LISTS for path in urls[name]}
    for name, paths in urls.items():
        for path in paths:
            for method in ("get", "post", "patch") if path.startswith("/api/") else ("get", "post"):
                if path.startswith("/api/") and method != "get":
                    response = getattr(client, method)(path, "{}", "application/json")
                else:
                    response = getattr(client, method)(path)
                answered[(method, path)] = response.status_code
                if response.status_code == 200 and _leaks(name, response.content):
                    leaked.append(f"{method} {path}")
    allowed = {
        (method, path): status
        for (method, path), status in answered.items()
        if status not in NO
        # A list answers 200 with none of the other cities' rows (checked by _leaks above).
        and not (status == 200 and method == "get" and path in lists)
        # An API write whose body is checked (400/422) before the object's scope writes nothing.
        and not (method != "get" and path.startswith("/api/") and status in {400, 422})
    }
    assert allowed == {}
    assert leaked == []
    # Membership grants are the only writes (in the fixture, before the count).
    assert AuditEntry.objects.count() == audit_before


def test_the_public_sees_no_draft(objects: Objects, client: Client) -> None:
    for path in scoped_urls(objects)["performance:download"] + [
        "/api/v1/performance/reports/hsinchu-social/108",
        "/performance/hsinchu-social/108/",
    ]:
        assert client.get(path).status_code in NO, path


def test_a_token_sees_what_its_session_sees(objects: Objects) -> None:
    """The report JSON is public once published: a Bearer token of another city's reporter
    gets 404 for a draft, as its session does; the department's coordinator gets it both ways."""
    path = "/api/v1/performance/reports/hsinchu-social/108"
    outsider_key = api_token_create(user=outsider(Role.REPORTER), name="t", actor=None)[1]
    assert Client().get(path, HTTP_AUTHORIZATION=f"Bearer {outsider_key}").status_code == 404
    coordinator = User.objects.create_user("hsinchu-coordinator", password="x" * 12)
    membership_grant(
        user=coordinator,
        role=Role.COORDINATOR,
        jurisdiction=Jurisdiction.objects.get(slug="hsinchu"),
        actor=None,
    )
    key = api_token_create(user=coordinator, name="t", actor=None)[1]
    response = Client().get(path, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert response.json()["title"].startswith("新竹市政府社會處")


@pytest.mark.parametrize("name", ["performance:index", "cycles:home", "directory:staff-tables"])
def test_an_outsiders_own_lists_name_nothing_of_other_cities(
    name: str, objects: Objects, client_for: Callable[[str | None], Client]
) -> None:
    client = client_for(outsider(Role.COORDINATOR).username)
    response = client.get(reverse(name))
    assert response.status_code == 200
    page = response.content.decode()
    assert [word for word in ("基隆市", "新竹市", "社會處", "警察局") if word in page] == []
