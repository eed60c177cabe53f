"""Services of reporting cycles: opening periods, drafts, the state machine, the year-end flow."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from guankao.core.accounts import membership_grant, user_ensure
from guankao.core.models import Agency, AuditEntry, Jurisdiction, Role
from guankao.core.permissions import NotPermitted, can
from guankao.cycles import services
from guankao.cycles.exceptions import (
    EditConflict,
    IncompleteSubmission,
    InputRejected,
    InvalidTransition,
    PeriodError,
    SubmissionLocked,
)
from guankao.cycles.models import (
    CommentKind,
    ReportingPeriod,
    Submission,
    SubmissionRevision,
    SubmissionStatus,
    TaskEntry,
)
from guankao.cycles.selectors import period_open_choices, submission_whole
from guankao.cycles.state import TRANSITIONS, Transition
from guankao.divisions.models import DivisionTable
from guankao.divisions.services import division_table_copy
from guankao.performance.models import Measure
from guankao.tw import YearMonth
from tests.conftest import rolled_back_at_the_end
from tests.cycles.conftest import Demo, complete_tasks, fill_and_submit
from tests.performance.factories import open_correction

pytestmark = pytest.mark.django_db

POLICE = "keelung-police"


def keelung_table() -> DivisionTable:
    return DivisionTable.objects.get(jurisdiction__slug="keelung")


# --- periods -------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["113Q5", "113H", "H1", "一一三", ""])
def test_a_bad_period_code_is_refused(code: str) -> None:
    with pytest.raises(PeriodError, match="不是期別代碼"):
        services.period_open(
            jurisdiction=Jurisdiction.objects.get(slug="keelung"),
            code=code,
            deadline=datetime.date(2024, 7, 15),
            division_table=keelung_table(),
            actor=None,
        )
    assert not ReportingPeriod.objects.exists()


def test_opening_creates_a_draft_per_agency_with_its_own_tasks() -> None:
    period = services.period_open(
        jurisdiction=Jurisdiction.objects.get(slug="keelung"),
        code="113q3",
        deadline=datetime.date(2024, 10, 15),
        division_table=keelung_table(),
        actor=None,
    )
    assert (period.code, period.starts_on, period.ends_on) == (
        "113Q3",
        datetime.date(2024, 7, 1),
        datetime.date(2024, 9, 30),
    )
    police = Submission.objects.get(period=period, agency__slug=POLICE)
    assert police.status == SubmissionStatus.DRAFT
    assert [e.task.number for e in police.task_entries.order_by("task__position")] == [1, 2, 3]
    assert {e.task.agency.slug for e in TaskEntry.objects.filter(submission=police)} == {POLICE}
    assert SubmissionRevision.objects.filter(submission=police, number=1).exists()


def test_the_same_period_twice_is_refused(demo: Demo) -> None:
    with pytest.raises(PeriodError):
        services.period_open(
            jurisdiction=demo.period.jurisdiction,
            code="113H1",
            deadline=datetime.date(2024, 7, 15),
            division_table=keelung_table(),
            actor=None,
        )


def test_a_table_of_another_jurisdiction_is_refused() -> None:
    with pytest.raises(PeriodError, match="分工表不屬於這個縣市"):
        services.period_open(
            jurisdiction=Jurisdiction.objects.get(slug="hsinchu"),
            code="113H1",
            deadline=datetime.date(2024, 7, 15),
            division_table=keelung_table(),
            actor=None,
        )


def test_a_draft_table_version_cannot_be_reported_on() -> None:
    draft = division_table_copy(source=keelung_table(), version=YearMonth(2025, 3), actor=None)
    with pytest.raises(PeriodError, match="是草稿，公開後才能開始填報"):
        services.period_open(
            jurisdiction=Jurisdiction.objects.get(slug="keelung"),
            code="114H1",
            deadline=datetime.date(2025, 7, 15),
            division_table=draft,
            actor=None,
        )
    assert not ReportingPeriod.objects.filter(code="114H1").exists()
    assert draft not in period_open_choices(None).tables


def test_a_coordinator_cannot_open_a_period_elsewhere(demo: Demo) -> None:
    with pytest.raises(NotPermitted):
        services.period_open(
            jurisdiction=Jurisdiction.objects.get(slug="hsinchu"),
            code="108Q4",
            deadline=datetime.date(2020, 1, 15),
            department=Agency.objects.get(slug="hsinchu-social"),
            actor=demo.user("demo-coordinator"),
        )


# --- drafts --------------------------------------------------------------------------------


def test_a_draft_save_keeps_a_version_and_audits_before_and_after(demo: Demo) -> None:
    reporter = demo.user("demo-reporter-police")
    police = submission_whole(demo.submission(POLICE).pk)
    entry = police.task_entries.all()[0]
    changed = services.submission_save_draft(
        submission=police,
        expected_version=1,
        tasks={
            entry.pk: services.TaskInput(
                narrative="辦理家暴防治宣導。",
                figures=[services.FigureInput("宣導場次", Decimal(12), "場", "十二")],
            )
        },
        actor=reporter,
    )
    assert changed and police.version == 2
    audit = AuditEntry.objects.filter(object_id=str(police.pk), action="save_draft").get()
    assert audit.actor == reporter
    assert audit.before == {"警察局 第1項｜辦理情形": "（空白）", "警察局 第1項｜數據": "（空白）"}
    assert audit.after == {
        "警察局 第1項｜辦理情形": "辦理家暴防治宣導。",
        "警察局 第1項｜數據": "宣導場次 12場",
    }
    revision = SubmissionRevision.objects.get(submission=police, number=2)
    assert revision.snapshot["tasks"][str(entry.task_id)]["figures"] == ["宣導場次 12場"]


def test_saving_the_same_thing_again_writes_nothing(demo: Demo) -> None:
    reporter = demo.user("demo-reporter-police")
    police = submission_whole(demo.submission(POLICE).pk)
    tasks = complete_tasks(police)
    services.submission_save_draft(
        submission=police, expected_version=1, tasks=tasks, actor=reporter
    )
    audit = AuditEntry.objects.count()
    again = services.submission_save_draft(
        submission=police, expected_version=2, tasks=tasks, actor=reporter
    )
    assert again is False
    assert Submission.objects.get(pk=police.pk).version == 2
    assert AuditEntry.objects.count() == audit


def test_the_second_of_two_concurrent_saves_is_refused_with_what_changed(demo: Demo) -> None:
    reporter = demo.user("demo-reporter-police")
    colleague = user_ensure(
        username="police-2",
        password="a-Long-enough-passphrase-42",
        email="",
        full_name="警察局第二位填報人",
        actor=None,
    )
    membership_grant(
        user=colleague, role=Role.REPORTER, agency=Agency.objects.get(slug=POLICE), actor=None
    )
    # Both load version 1.
    mine = submission_whole(demo.submission(POLICE).pk)
    theirs = submission_whole(demo.submission(POLICE).pk)
    entry = mine.task_entries.all()[0]
    services.submission_save_draft(
        submission=theirs,
        expected_version=1,
        tasks={entry.pk: services.TaskInput(narrative="同事先寫的內容。")},
        actor=colleague,
    )
    with pytest.raises(EditConflict) as conflict:
        services.submission_save_draft(
            submission=mine,
            expected_version=1,
            tasks={entry.pk: services.TaskInput(narrative="我寫的內容。")},
            actor=reporter,
        )
    assert conflict.value.changes == [("警察局 第1項", "辦理情形", "（空白）", "同事先寫的內容。")]
    assert "警察局第二位填報人" in str(conflict.value) or "police-2" in str(conflict.value)
    assert "第 2 版" in str(conflict.value)
    assert TaskEntry.objects.get(pk=entry.pk).narrative == "同事先寫的內容。"
    assert Submission.objects.get(pk=mine.pk).version == 2


def test_entries_of_another_agency_are_refused_and_nothing_is_written(demo: Demo) -> None:
    police = submission_whole(demo.submission(POLICE).pk)
    civil = submission_whole(demo.submission("keelung-civil-affairs").pk)
    foreign = civil.task_entries.all()[0]
    own = police.task_entries.all()[0]
    audit = AuditEntry.objects.count()
    with pytest.raises(InputRejected, match="不屬於這份填報"):
        services.submission_save_draft(
            submission=police,
            expected_version=police.version,
            tasks={
                own.pk: services.TaskInput(narrative="自己的"),
                foreign.pk: services.TaskInput(narrative="偽造"),
            },
            actor=demo.user("demo-reporter-police"),
        )
    assert AuditEntry.objects.count() == audit
    assert TaskEntry.objects.get(pk=own.pk).narrative == ""
    assert TaskEntry.objects.get(pk=foreign.pk).narrative.startswith("【示範資料】")


def test_a_reporter_of_another_agency_cannot_save(demo: Demo) -> None:
    police = submission_whole(demo.submission(POLICE).pk)
    with pytest.raises(NotPermitted):
        services.submission_save_draft(
            submission=police,
            expected_version=1,
            tasks=complete_tasks(police),
            actor=demo.user("demo-reporter-civil"),
        )


def test_lag_without_a_reason_is_refused(demo: Demo) -> None:
    police = submission_whole(demo.submission(POLICE).pk)
    entry = police.task_entries.all()[0]
    with pytest.raises(InputRejected, match="請說明原因"):
        services.submission_save_draft(
            submission=police,
            expected_version=1,
            tasks={entry.pk: services.TaskInput(narrative="x", behind=True)},
            actor=None,
        )
    assert Submission.objects.get(pk=police.pk).version == 1


# --- the state machine ---------------------------------------------------------------------


def _submission_in(status: SubmissionStatus, demo: Demo) -> Submission:
    police = demo.submission(POLICE)
    coordinator = demo.user("demo-coordinator")
    if status == SubmissionStatus.DRAFT:
        return police
    fill_and_submit(police, demo.user("demo-reporter-police"))
    if status == SubmissionStatus.RETURNED:
        services.submission_transition(
            transition=Transition.RETURN, submission=police, reason="請補充。", actor=coordinator
        )
    if status == SubmissionStatus.APPROVED:
        services.submission_transition(
            transition=Transition.APPROVE, submission=police, actor=coordinator
        )
    return Submission.objects.with_scope().get(pk=police.pk)


def _actor_for(transition: Transition, demo: Demo) -> User:
    return demo.user(
        "demo-reporter-police" if transition == Transition.SUBMIT else "demo-coordinator"
    )


def _run(transition: Transition, submission: Submission, demo: Demo) -> Submission:
    return services.submission_transition(
        submission=submission,
        transition=transition,
        reason="數字有誤，請修正。",
        actor=_actor_for(transition, demo),
    )


@pytest.fixture(scope="class")
def police_in_status_once(
    request: pytest.FixtureRequest,
    cycles_demo_once: list[tuple[str, str, str]],
    django_db_blocker: Any,
) -> Iterator[SubmissionStatus]:
    """The 警察局 submission put in status ``request.param`` once for all the cases of a class
    that need it (as the role matrix does), rolled back when they are done; each case's own
    writes are undone after it by its ``db`` transaction."""
    status = SubmissionStatus(request.param)
    with rolled_back_at_the_end(django_db_blocker):
        period = ReportingPeriod.objects.get(jurisdiction__slug="keelung", code="113H1")
        _submission_in(status, Demo(period=period, credentials=list(cycles_demo_once)))
        yield status


class TestEveryTransitionFromEveryStatus:
    @pytest.mark.parametrize("transition", list(Transition))
    # Class scope: the cases of one status run one after another on the state made once.
    @pytest.mark.parametrize(
        "police_in_status_once", list(SubmissionStatus), indirect=True, scope="class"
    )
    def test_every_transition_from_every_status(
        self, police_in_status_once: SubmissionStatus, transition: Transition, demo: Demo
    ) -> None:
        status = police_in_status_once
        submission = demo.submission(POLICE)
        assert submission.status == status
        if status == SubmissionStatus.DRAFT and transition == Transition.SUBMIT:
            services.submission_save_draft(
                submission=submission_whole(submission.pk),
                expected_version=submission.version,
                tasks=complete_tasks(submission_whole(submission.pk)),
                actor=demo.user("demo-reporter-police"),
            )
        rule = TRANSITIONS.row(transition)
        audit = AuditEntry.objects.count()
        if status in rule.sources:
            after = _run(transition, submission, demo)
            assert after.status == rule.target
            assert Submission.objects.get(pk=submission.pk).status == rule.target
            entry = AuditEntry.objects.filter(action=transition.value).latest("pk")
            assert entry.before == {"status": status.value}
            assert entry.after is not None and entry.after["status"] == rule.target
        else:
            with pytest.raises(InvalidTransition) as refused:
                _run(transition, submission, demo)
            assert f"這份填報目前為「{status.label}」" in str(refused.value)
            assert Submission.objects.get(pk=submission.pk).status == status
            assert AuditEntry.objects.count() == audit


def test_an_incomplete_submission_cannot_be_sent(demo: Demo) -> None:
    police = submission_whole(demo.submission(POLICE).pk)
    first = police.task_entries.all()[0]
    services.submission_save_draft(
        submission=police,
        expected_version=1,
        tasks={first.pk: services.TaskInput(narrative="只寫了第一項。")},
        actor=None,
    )
    with pytest.raises(IncompleteSubmission) as refused:
        services.submission_transition(transition=Transition.SUBMIT, submission=police, actor=None)
    assert refused.value.missing == ["警察局 第2項", "警察局 第3項"]
    assert "尚有 2 項未填寫" in str(refused.value)


def test_approved_data_cannot_be_changed(demo: Demo) -> None:
    approved = _submission_in(SubmissionStatus.APPROVED, demo)
    whole = submission_whole(approved.pk)
    with pytest.raises(SubmissionLocked, match="已核定並鎖定"):
        services.submission_save_draft(
            submission=whole,
            expected_version=whole.version,
            tasks=complete_tasks(whole, "改掉已核定的內容"),
            actor=demo.user("demo-reporter-police"),
        )
    assert not TaskEntry.objects.filter(narrative__contains="改掉").exists()


@pytest.mark.parametrize("username", ["demo-reviewer", "demo-admin", "demo-reporter-police"])
def test_only_a_coordinator_reopens(username: str, demo: Demo) -> None:
    approved = _submission_in(SubmissionStatus.APPROVED, demo)
    with pytest.raises(NotPermitted):
        services.submission_transition(
            transition=Transition.REOPEN,
            submission=approved,
            reason="想再改。",
            actor=demo.user(username),
        )
    assert Submission.objects.get(pk=approved.pk).status == SubmissionStatus.APPROVED


def test_reopening_needs_a_reason_that_is_kept(demo: Demo) -> None:
    approved = _submission_in(SubmissionStatus.APPROVED, demo)
    coordinator = demo.user("demo-coordinator")
    with pytest.raises(InputRejected, match="請寫明理由"):
        services.submission_transition(
            transition=Transition.REOPEN, submission=approved, reason="  ", actor=coordinator
        )
    services.submission_transition(
        transition=Transition.REOPEN,
        submission=approved,
        reason="第2項人次重複計算。",
        actor=coordinator,
    )
    entry = AuditEntry.objects.filter(action="reopen").latest("pk")
    assert entry.actor == coordinator
    assert entry.after == {"status": "returned", "comment": "第2項人次重複計算。"}
    assert approved.comments.filter(kind=CommentKind.REOPEN).get().body == "第2項人次重複計算。"


PEOPLE = ["demo-reporter-police", "demo-reporter-civil", "demo-reviewer", "demo-coordinator",
          "demo-admin"]  # fmt: skip
START = {
    Transition.SUBMIT: SubmissionStatus.DRAFT,
    Transition.RETURN: SubmissionStatus.SUBMITTED,
    Transition.APPROVE: SubmissionStatus.SUBMITTED,
    Transition.REOPEN: SubmissionStatus.APPROVED,
}


class TestEachRowIsAllowedToItsAction:
    @pytest.mark.parametrize("username", PEOPLE)
    @pytest.mark.parametrize(
        ("transition", "police_in_status_once"),
        [(t, START[t]) for t in Transition],
        ids=[t.value for t in Transition],
        indirect=["police_in_status_once"],
        scope="class",
    )
    def test_each_row_is_allowed_to_its_action_and_refused_to_the_others(
        self,
        transition: Transition,
        police_in_status_once: SubmissionStatus,
        username: str,
        demo: Demo,
    ) -> None:
        submission = demo.submission(POLICE)
        assert submission.status == START[transition] == police_in_status_once
        if transition == Transition.SUBMIT:
            whole = submission_whole(submission.pk)
            services.submission_save_draft(
                submission=whole,
                expected_version=whole.version,
                tasks=complete_tasks(whole),
                actor=None,
            )
        row = TRANSITIONS.row(transition)
        actor = demo.user(username)
        before = (AuditEntry.objects.count(), Submission.objects.get(pk=submission.pk).version)
        if can(actor, row.action, submission):
            services.submission_transition(
                submission=submission, transition=transition, reason="請修正。", actor=actor
            )
            assert Submission.objects.get(pk=submission.pk).status == row.target
        else:
            with pytest.raises(NotPermitted, match="您的角色沒有"):
                services.submission_transition(
                    submission=submission, transition=transition, reason="請修正。", actor=actor
                )
            after = (AuditEntry.objects.count(), Submission.objects.get(pk=submission.pk).version)
            assert after == before
        # Who may is the matrix's answer: the agency's own reporter submits, the coordinator
        # decides.
        assert can(actor, row.action, submission) == (
            username == ("demo-reporter-police" if transition == Transition.SUBMIT
                         else "demo-coordinator")
        )  # fmt: skip


@pytest.mark.parametrize("transition", [Transition.RETURN, Transition.REOPEN])
@pytest.mark.parametrize("reason", ["", "   ", "\n"])
def test_a_reason_is_required_where_the_table_says(
    transition: Transition, reason: str, demo: Demo
) -> None:
    submission = _submission_in(START[transition], demo)
    row = TRANSITIONS.row(transition)
    assert row.needs_reason
    before = (AuditEntry.objects.count(), Submission.objects.get(pk=submission.pk).version)
    with pytest.raises(InputRejected) as refused:
        services.submission_transition(
            submission=submission, transition=transition, reason=reason, actor=_actor_for(
                transition, demo)
        )  # fmt: skip
    assert str(refused.value) == str(row.reason_missing)
    assert "請寫明理由" in str(refused.value)
    assert (AuditEntry.objects.count(), Submission.objects.get(pk=submission.pk).version) == before
    assert Submission.objects.get(pk=submission.pk).status == START[transition]


def test_the_table_rows() -> None:
    assert [
        (r.name, sorted(r.sources), r.target, r.action.value, r.needs_reason)
        for r in TRANSITIONS.rows
    ] == [
        ("submit", ["draft", "returned"], "submitted", "submission.submit", False),
        ("return", ["submitted"], "returned", "submission.return", True),
        ("approve", ["submitted"], "approved", "submission.approve", False),
        ("reopen", ["approved"], "returned", "submission.reopen", True),
    ]
    assert [r.name for r in TRANSITIONS.available("submitted")] == ["return", "approve"]
    assert str(TRANSITIONS.available("approved")[0].done) == "已重新開放，機關可再修改。"


def test_the_docs_table_is_the_state_machine() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "cycles.md").read_text()
    for row in TRANSITIONS.rows:
        sources = ", ".join(sorted(row.sources))
        line = f"| {row.label} `{row.name}` | {sources} | {row.target} |"
        assert line in docs, line
        assert f"`{row.action.value}`" in docs


def test_an_unknown_transition_is_refused(demo: Demo) -> None:
    police = demo.submission(POLICE)
    with pytest.raises(InputRejected, match="不明的狀態變更「archive」；可用的有：submit、return"):
        services.submission_transition(submission=police, transition="archive", actor=None)
    assert Submission.objects.get(pk=police.pk).status == SubmissionStatus.DRAFT


def test_comments_do_not_interrupt_a_reporter(demo: Demo) -> None:
    police = submission_whole(demo.submission(POLICE).pk)
    entry = police.task_entries.all()[0]
    services.comment_add(
        submission=police, entry=entry, body="請補充場次。", actor=demo.user("demo-reviewer")
    )
    assert Submission.objects.get(pk=police.pk).version == 1
    with pytest.raises(NotPermitted):
        services.comment_add(
            submission=police, entry=entry, body="x", actor=demo.user("demo-reporter-civil")
        )


# --- year-end actuals flow into the performance report ---------------------------------------


def _hsinchu_period(code: str) -> tuple[Submission, User]:
    hsinchu = Jurisdiction.objects.get(slug="hsinchu")
    department = Agency.objects.get(slug="hsinchu-social")
    coordinator = user_ensure(
        username="hsinchu-coordinator",
        password="a-Long-enough-passphrase-42",
        email="",
        full_name="新竹市社會處管考",
        actor=None,
    )
    membership_grant(user=coordinator, role=Role.COORDINATOR, agency=department, actor=None)
    period = services.period_open(
        jurisdiction=hsinchu,
        code=code,
        deadline=datetime.date(2020, 1, 20),
        department=department,
        actor=coordinator,
    )
    return Submission.objects.with_scope().get(period=period), coordinator


@pytest.mark.parametrize(("code", "flows"), [("108Q4", True), ("108", True), ("108H1", False)])
def test_approved_year_end_actuals_flow_into_the_measures(code: str, flows: bool) -> None:
    # The seed's 108 report is published: only a correction (勘誤) lets figures in.
    open_correction()
    submission, coordinator = _hsinchu_period(code)
    whole = submission_whole(submission.pk)
    entries = list(whole.measure_entries.all())
    assert (
        len(entries)
        == Measure.objects.filter(
            indicator__plan__department__slug="hsinchu-social", indicator__plan__year=2019
        ).count()
        > 10
    )
    first = entries[0]
    before = first.measure.actual
    measures = {
        e.pk: services.MeasureInput(
            actual=Decimal(1234) if e.pk == first.pk else e.measure.actual or Decimal(0),
            done=e.measure.done,
        )
        for e in entries
    }
    services.submission_save_draft(
        submission=whole, expected_version=1, tasks={}, measures=measures, actor=None
    )
    services.submission_transition(transition=Transition.SUBMIT, submission=whole, actor=None)
    services.submission_transition(
        transition=Transition.APPROVE, submission=whole, actor=coordinator
    )
    measure = Measure.objects.get(pk=first.measure_id)
    if flows:
        assert measure.actual == Decimal(1234)
        audit = AuditEntry.objects.filter(
            action="update_from_submission", object_id=str(measure.pk)
        ).get()
        assert audit.actor == coordinator
        assert audit.after == {"actual": "1234.00"}
    else:
        assert measure.actual == before


def test_a_published_report_keeps_its_figures_and_the_approval_says_so() -> None:
    submission, coordinator = _hsinchu_period("108Q4")
    whole = submission_whole(submission.pk)
    entries = list(whole.measure_entries.all())
    first = entries[0]
    measures = {
        e.pk: services.MeasureInput(
            actual=Decimal(1234) if e.pk == first.pk else e.measure.actual or Decimal(0),
            done=e.measure.done,
        )
        for e in entries
    }
    services.submission_save_draft(
        submission=whole, expected_version=1, tasks={}, measures=measures, actor=None
    )
    services.submission_transition(transition=Transition.SUBMIT, submission=whole, actor=None)
    services.submission_transition(
        transition=Transition.APPROVE, submission=whole, actor=coordinator
    )
    assert Measure.objects.get(pk=first.measure_id).actual == Decimal(7048)
    assert not AuditEntry.objects.filter(action="update_from_submission").exists()
    kept = AuditEntry.objects.get(action="actuals kept by a locked report")
    assert kept.after is not None
    assert (kept.after["report"], kept.after["status"]) == (
        "新竹市政府社會處108年度施政績效報告",
        "published",
    )
    assert first.measure_id in kept.after["measures"]
