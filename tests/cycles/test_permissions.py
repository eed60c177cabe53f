"""Every page and API endpoint of cycles × every role, against the role matrix in docs/roles.md.

The expected answer comes from ``core.permissions.MATRIX`` (the same data the code checks) and
the role's scope: the coordinator and the reviewer work for Keelung, reporter A for 警察局 (whose
submission every case targets), reporter B for 民政處. A test below also checks that the table
in docs/roles.md is the matrix, and that no page or endpoint of cycles is missing here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import URLPattern, reverse

from guankao.core.models import AuditEntry, Role
from guankao.core.permissions import MATRIX, Action, matrix_markdown
from guankao.cycles import services
from guankao.cycles.apis import router
from guankao.cycles.models import Attachment, ReportingPeriod, Submission, SubmissionStatus
from guankao.cycles.selectors import submission_whole
from guankao.cycles.state import Transition
from guankao.cycles.urls import urlpatterns
from tests.conftest import rolled_back_at_the_end
from tests.cycles.conftest import Demo, complete_tasks, fill_and_submit

pytestmark = pytest.mark.django_db

DOCS = Path(__file__).resolve().parents[2] / "docs" / "roles.md"

# who → (username, role in the matrix, whether the role's scope reaches 警察局's submission)
PEOPLE: dict[str, tuple[str | None, Role | None, bool]] = {
    "anonymous": (None, None, False),
    "reporter_a": ("demo-reporter-police", Role.REPORTER, True),
    "reporter_b": ("demo-reporter-civil", Role.REPORTER, False),
    "reviewer": ("demo-reviewer", Role.REVIEWER, True),
    "coordinator": ("demo-coordinator", Role.COORDINATOR, True),
    "admin": ("demo-admin", Role.ADMIN, True),
}


def expected(action: Action, who: str) -> bool:
    _username, role, reaches = PEOPLE[who]
    return role is not None and role in MATRIX[action] and reaches


@dataclass
class Ctx:
    demo: Demo
    submission: Submission


@dataclass(frozen=True)
class Case:
    """One page or endpoint: how to put the submission in a state where the action makes
    sense, the request, and whether it writes (an allowed write leaves an audit entry)."""

    name: str
    action: Action
    api: bool
    method: str
    url: Callable[[Ctx], str]
    state: SubmissionStatus = SubmissionStatus.DRAFT
    data: Callable[[Ctx], dict[str, Any]] = lambda ctx: {}
    writes: bool = True


def _edit_form(ctx: Ctx) -> dict[str, Any]:
    data: dict[str, Any] = {"version": ctx.submission.version}
    for entry in submission_whole(ctx.submission.pk).task_entries.all():
        prefix = f"t{entry.pk}"
        data |= {
            f"{prefix}-narrative": f"第{entry.task.number}項辦理情形。",
            f"{prefix}-fig-TOTAL_FORMS": "1",
            f"{prefix}-fig-INITIAL_FORMS": "0",
            f"{prefix}-fig-0-label": "場次",
            f"{prefix}-fig-0-value": "4",
            f"{prefix}-fig-0-unit": "場",
        }
    return data


def _draft_json(ctx: Ctx) -> dict[str, Any]:
    entry = submission_whole(ctx.submission.pk).task_entries.all()[0]
    return {"version": ctx.submission.version, "tasks": {str(entry.pk): {"narrative": "API 填寫"}}}


def _first_entry(ctx: Ctx) -> int:
    return submission_whole(ctx.submission.pk).task_entries.all()[0].pk


def web(name: str) -> Callable[[Ctx], str]:
    return lambda ctx: reverse(f"cycles:{name}", args=[ctx.submission.pk])


def web_period(name: str, *extra: str) -> Callable[[Ctx], str]:
    return lambda ctx: reverse(f"cycles:{name}", args=[ctx.demo.period.pk, *extra])


def api(path: str) -> Callable[[Ctx], str]:
    return lambda ctx: f"/api/v1/cycles{path}".format(
        pk=ctx.submission.pk, period=ctx.demo.period.pk
    )


S = SubmissionStatus
NEW_PERIOD = {"jurisdiction": "keelung", "code": "113H2", "deadline": "2025-01-15"}
WEB_NEW_PERIOD = {"jurisdiction": "", "code": "113H2", "deadline": "114/01/15"}

CASES = [
    # --- web pages that write
    Case("period_open", Action.PERIOD_OPEN, False, "post", lambda c: reverse("cycles:period_open"),
         data=lambda c: WEB_NEW_PERIOD | {"jurisdiction": c.demo.period.jurisdiction_id,
                                          "division_table": c.demo.period.division_table_id}),
    Case("period_deadline", Action.PERIOD_UPDATE, False, "post", web_period("period_deadline"),
         data=lambda c: {"deadline": "113/08/31"}),
    Case("remind", Action.REMINDER_SEND, False, "post", web("remind")),
    Case("submission_edit", Action.SUBMISSION_EDIT, False, "post", web("submission_edit"),
         data=_edit_form),
    Case("submission_submit", Action.SUBMISSION_SUBMIT, False, "post", web("submission_submit"),
         state=S.DRAFT, data=lambda c: {"version": c.submission.version}),
    Case("submission_return", Action.SUBMISSION_RETURN, False, "post", web("submission_return"),
         state=S.SUBMITTED, data=lambda c: {"reason": "請補充。"}),
    Case("submission_approve", Action.SUBMISSION_APPROVE, False, "post", web("submission_approve"),
         state=S.SUBMITTED),
    Case("submission_reopen", Action.SUBMISSION_REOPEN, False, "post", web("submission_reopen"),
         state=S.APPROVED, data=lambda c: {"reason": "數字有誤。"}),
    Case("comment_add", Action.COMMENT_ADD, False, "post", web("comment_add"), state=S.SUBMITTED,
         data=lambda c: {"entry": _first_entry(c), "body": "請補充。"}),
    # --- web pages that read
    Case("home", Action.DATA_VIEW, False, "get", lambda c: reverse("cycles:home"), writes=False),
    Case("period", Action.PERIOD_VIEW, False, "get", web_period("period"), writes=False),
    Case("early_warning", Action.PERIOD_VIEW, False, "get", web_period("early_warning"),
         writes=False),
    Case("committee_report", Action.REPORT_VIEW, False, "get", web_period("committee_report"),
         writes=False),
    Case("period_audit_export", Action.AUDIT_EXPORT, False, "get",
         web_period("period_audit_export", "csv"), writes=False),
    Case("submission", Action.SUBMISSION_VIEW, False, "get", web("submission"), writes=False),
    Case("submission_edit:get", Action.SUBMISSION_EDIT, False, "get", web("submission_edit"),
         writes=False),
    Case("submission_audit", Action.AUDIT_VIEW, False, "get", web("submission_audit"),
         writes=False),
    Case("submission_audit_export", Action.AUDIT_EXPORT, False, "get",
         lambda c: reverse("cycles:submission_audit_export", args=[c.submission.pk, "json"]),
         writes=False),
    Case("attachment", Action.SUBMISSION_VIEW, False, "get",
         lambda c: reverse("cycles:attachment", args=[Attachment.objects.get(entry__submission=c.submission).pk]),
         writes=False),
    # --- API endpoints that write
    Case("period_create", Action.PERIOD_OPEN, True, "post", api("/periods"),
         data=lambda c: NEW_PERIOD | {"division_table": "112.7"}),
    Case("period_update", Action.PERIOD_UPDATE, True, "patch", api("/periods/{period}"),
         data=lambda c: {"deadline": "2024-08-31"}),
    Case("submission_draft", Action.SUBMISSION_EDIT, True, "put", api("/submissions/{pk}/draft"),
         data=_draft_json),
    Case("api:submission_submit", Action.SUBMISSION_SUBMIT, True, "post",
         api("/submissions/{pk}/submit"), state=S.DRAFT),
    Case("api:submission_return", Action.SUBMISSION_RETURN, True, "post",
         api("/submissions/{pk}/return"), state=S.SUBMITTED, data=lambda c: {"reason": "請補充。"}),
    Case("api:submission_approve", Action.SUBMISSION_APPROVE, True, "post",
         api("/submissions/{pk}/approve"), state=S.SUBMITTED),
    Case("api:submission_reopen", Action.SUBMISSION_REOPEN, True, "post",
         api("/submissions/{pk}/reopen"), state=S.APPROVED, data=lambda c: {"reason": "有誤。"}),
    Case("api:submit:submission_transition", Action.SUBMISSION_SUBMIT, True, "post",
         api("/submissions/{pk}/transitions"), state=S.DRAFT,
         data=lambda c: {"transition": "submit"}),
    Case("api:return:submission_transition", Action.SUBMISSION_RETURN, True, "post",
         api("/submissions/{pk}/transitions"), state=S.SUBMITTED,
         data=lambda c: {"transition": "return", "reason": "請補充。"}),
    Case("api:approve:submission_transition", Action.SUBMISSION_APPROVE, True, "post",
         api("/submissions/{pk}/transitions"), state=S.SUBMITTED,
         data=lambda c: {"transition": "approve", "version": c.submission.version}),
    Case("api:reopen:submission_transition", Action.SUBMISSION_REOPEN, True, "post",
         api("/submissions/{pk}/transitions"), state=S.APPROVED,
         data=lambda c: {"transition": "reopen", "reason": "有誤。"}),
    Case("submission_comment", Action.COMMENT_ADD, True, "post",
         api("/submissions/{pk}/comments"), state=S.SUBMITTED,
         data=lambda c: {"entry": _first_entry(c), "body": "請補充。"}),
    Case("submission_remind", Action.REMINDER_SEND, True, "post", api("/submissions/{pk}/remind")),
    # --- API endpoints that read
    Case("period_list", Action.PERIOD_VIEW, True, "get", api("/periods"), writes=False),
    Case("period_dashboard", Action.PERIOD_VIEW, True, "get", api("/periods/{period}/dashboard"),
         writes=False),
    Case("period_early_warning", Action.PERIOD_VIEW, True, "get",
         api("/periods/{period}/early-warning"), writes=False),
    Case("period_committee_report", Action.REPORT_VIEW, True, "get",
         api("/periods/{period}/committee-report"), writes=False),
    Case("submission_list", Action.SUBMISSION_VIEW, True, "get", api("/submissions"),
         writes=False),
    Case("submission_detail", Action.SUBMISSION_VIEW, True, "get", api("/submissions/{pk}"),
         writes=False),
    Case("submission_audit", Action.AUDIT_VIEW, True, "get", api("/submissions/{pk}/audit"),
         writes=False),
]  # fmt: skip


def _state_of(case: Case) -> str:
    """The state the 警察局 submission must be in for ``case``."""
    if case.name == "attachment":
        return "attachment"
    if case.state == S.DRAFT and "submit" in case.name:
        return "complete"
    return str(case.state)


def _put_in_state(demo: Demo, state: str) -> None:
    police = demo.submission("keelung-police")
    reporter, coordinator = demo.user("demo-reporter-police"), demo.user("demo-coordinator")
    whole = submission_whole(police.pk)
    if state == "attachment":
        entry = whole.task_entries.all()[0]
        pdf = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
        services.submission_save_draft(
            submission=whole,
            expected_version=whole.version,
            tasks={entry.pk: services.TaskInput(narrative="附件", new_files=[pdf])},
            actor=reporter,
        )
    if state == "complete":
        services.submission_save_draft(
            submission=whole,
            expected_version=whole.version,
            tasks=complete_tasks(whole),
            actor=reporter,
        )
    if state in (S.SUBMITTED, S.APPROVED):
        fill_and_submit(police, reporter)
    if state == S.APPROVED:
        services.submission_transition(
            transition=Transition.APPROVE, submission=police, actor=coordinator
        )


@pytest.fixture(scope="class")
def police_in_state_once(
    request: pytest.FixtureRequest,
    cycles_demo_once: list[tuple[str, str, str]],
    django_db_blocker: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Path]:
    """The 警察局 submission put in the state ``request.param`` (see ``_state_of``) once for
    all the cases that need it, rolled back when they are done; each case's own writes are undone
    after it by its ``db`` transaction. Returns the media directory holding the attachment."""
    media = tmp_path_factory.mktemp("media")
    with rolled_back_at_the_end(django_db_blocker):
        period = ReportingPeriod.objects.get(jurisdiction__slug="keelung", code="113H1")
        with override_settings(MEDIA_ROOT=media):
            _put_in_state(Demo(period=period, credentials=list(cycles_demo_once)), request.param)
        yield media


def _request(client: Client, case: Case, ctx: Ctx) -> Any:
    url, data = case.url(ctx), case.data(ctx)
    if case.api:
        if case.method == "get":
            return client.get(url)
        return getattr(client, case.method)(url, data=data, content_type="application/json")
    return getattr(client, case.method)(url, data)


def _visible_in_list(case: Case, response: Any, ctx: Ctx) -> bool:
    """List endpoints answer everyone signed in, but only with what they may see."""
    if case.name == "submission_list":
        return ctx.submission.pk in [row["id"] for row in response.json()]
    if case.name == "period_list":
        return ctx.demo.period.pk in [row["id"] for row in response.json()]
    return ctx.submission.agency.label in response.content.decode()


def _expected_in_list(case: Case, who: str) -> bool:
    # The home page lists a reporter's own to-do; overseers find submissions on dashboards.
    return who == "reporter_a" if case.name == "home" else expected(case.action, who)


BY_STATE = sorted(CASES, key=_state_of)


class TestRoleMatrix:
    """Cases grouped by the state they need (the class-scoped ``police_in_state_once``), so each
    state is made once instead of once per case and role."""

    @pytest.mark.parametrize("who", list(PEOPLE))
    # Class scope, so that the state stays from one case to the next that needs the same.
    @pytest.mark.parametrize(
        ("case", "police_in_state_once"),
        [(c, _state_of(c)) for c in BY_STATE],
        ids=[c.name for c in BY_STATE],
        indirect=["police_in_state_once"],
        scope="class",
    )
    def test_role_matrix(
        self,
        case: Case,
        who: str,
        police_in_state_once: Path,
        demo: Demo,
        client_for: Callable[[str | None], Client],
        settings: Any,
    ) -> None:
        settings.MEDIA_ROOT = police_in_state_once
        ctx = Ctx(demo=demo, submission=demo.submission("keelung-police"))
        username = PEOPLE[who][0]
        client = client_for(username)
        before = (AuditEntry.objects.count(), Submission.objects.get(pk=ctx.submission.pk).version)
        mail.outbox.clear()
        response = _request(client, case, ctx)
        after = (AuditEntry.objects.count(), Submission.objects.get(pk=ctx.submission.pk).version)
        allowed = expected(case.action, who)

        if case.name in ("home", "submission_list", "period_list"):
            # Open to anyone signed in; the rows are what the matrix lets them see.
            if username is None:
                assert response.status_code in (302, 401)
            else:
                assert response.status_code == 200
                visible = _visible_in_list(case, response, ctx)
                assert visible == _expected_in_list(case, who), response.content[:300]
            return

        if allowed:
            assert response.status_code in (200, 201, 302), (
                response.status_code,
                response.content[:500],
            )
            if case.writes:
                assert after[0] > before[0], "an allowed write leaves an audit entry"
            else:
                assert after == before
            if not case.api and response.status_code == 302:
                assert "/accounts/login/" not in response["Location"]
        else:
            if username is None:
                if case.api:
                    assert response.status_code == 401
                else:
                    assert response.status_code == 302
                    assert response["Location"].startswith("/accounts/login/")
            else:
                assert response.status_code == 403, (response.status_code, response.content[:300])
                if not case.api:
                    assert "沒有權限" in response.content.decode()
            assert after == before, "a refused request writes nothing"
            assert mail.outbox == []


# Pages whose matrix needs a department's period (the demo has none): tested in their own module.
TESTED_ELSEWHERE = {"corrective_action"}  # tests/cycles/test_early_warning.py


def test_every_page_and_endpoint_is_in_the_table() -> None:
    pages = {p.name for p in urlpatterns if isinstance(p, URLPattern)} - TESTED_ELSEWHERE
    tested_pages = {c.name.split(":")[0] for c in CASES if not c.api}
    assert pages == tested_pages
    operations = {
        op.view_func.__name__ for view in router.path_operations.values() for op in view.operations
    }
    tested_operations = {c.name.split(":")[-1] for c in CASES if c.api}
    assert operations == tested_operations


def test_every_write_endpoint_is_tested_with_the_post_it_takes() -> None:
    write_methods = {
        op.view_func.__name__
        for view in router.path_operations.values()
        for op in view.operations
        if set(op.methods) & {"POST", "PUT", "PATCH", "DELETE"}
    }
    assert write_methods == {c.name.split(":")[-1] for c in CASES if c.api and c.writes}


def test_reporter_a_cannot_read_or_change_b_drafts_by_url_or_api(
    demo: Demo, client_for: Callable[[str | None], Client]
) -> None:
    civil = demo.submission("keelung-civil-affairs")
    services.submission_transition(
        transition=Transition.RETURN,
        submission=civil,
        reason="請修正。",
        actor=demo.user("demo-coordinator"),
    )  # back to a draft-like state, with the agency
    police = client_for("demo-reporter-police")
    for url in [
        reverse("cycles:submission", args=[civil.pk]),
        reverse("cycles:submission_edit", args=[civil.pk]),
        reverse("cycles:submission_audit", args=[civil.pk]),
        f"/api/v1/cycles/submissions/{civil.pk}",
        f"/api/v1/cycles/submissions/{civil.pk}/audit",
    ]:
        response = police.get(url)
        assert response.status_code == 403, url
        assert "【示範資料】" not in response.content.decode(), url
    assert civil.pk not in [r["id"] for r in police.get("/api/v1/cycles/submissions").json()]
    home = police.get(reverse("cycles:home")).content.decode()
    assert "民政處" not in home and "警察局" in home


def test_the_table_in_docs_is_the_matrix() -> None:
    text = DOCS.read_text(encoding="utf-8")
    start, end = "<!-- role-matrix:start -->", "<!-- role-matrix:end -->"
    assert start in text and end in text
    table = text.split(start, 1)[1].split(end, 1)[0].strip()
    assert table == matrix_markdown(), (
        "docs/roles.md is out of date: paste the output of "
        "`python -c 'from guankao.core.permissions import matrix_markdown; print(matrix_markdown())'`"
    )


def test_matrix_covers_every_action() -> None:
    assert set(MATRIX) == set(Action)
