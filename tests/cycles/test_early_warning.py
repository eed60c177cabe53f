"""Early warning (預警) and corrective actions (改善措施追蹤): the projection's arithmetic and words,
the lights at the legend's bounds, milestones, the coordinator's list, the follow-up of an action
in the next period until it is closed, the audit trail, the scope and the query count."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from lxml import html  # type: ignore[import-untyped]

from guankao.core.accounts import membership_grant
from guankao.core.models import Agency, AuditEntry, Jurisdiction, Role
from guankao.core.permissions import NotPermitted
from guankao.cycles import selectors, services
from guankao.cycles.early_warning import Method, project
from guankao.cycles.exceptions import InputRejected
from guankao.cycles.models import (
    CorrectiveAction,
    CorrectiveActionUpdate,
    MeasureEntry,
    ReportingPeriod,
    Submission,
)
from guankao.cycles.selectors import submission_whole
from guankao.cycles.state import Transition
from guankao.performance.models import LightLegend, Measure, MeasureKind
from guankao.performance.report_model import MeasureData
from guankao.performance.scorecard import Legend, Light
from guankao.tw import Period
from tests.conftest import rolled_back_at_the_end

ClientFor = Callable[[str | None], Client]

Q2 = Period.of(108, "quarter", 2)


def numeric(target: str, unit: str = "場") -> MeasureData:
    return MeasureData(
        position=1, label="辦理場次", kind="numeric", target=Decimal(target), unit=unit
    )


def milestone(due: datetime.date) -> MeasureData:
    return MeasureData(position=1, label="完成設立", kind="milestone", due=due)


# --- the projection (pure) -----------------------------------------------------------------


def test_45_percent_at_q2_projects_to_90_in_words() -> None:
    p = project(numeric("100"), Q2, Legend(), actual=Decimal(45), done=None)
    assert p.method == Method.LINEAR
    assert p.cumulative_percent == Decimal("45.0")
    assert p.projected == Decimal(90)
    assert p.projected_percent == Decimal("90.0")
    assert p.rule == "依第2季累計 45%，預估年底達成 90%"
    assert p.light == Light.YELLOW
    assert (p.light_shape, p.light_text) == ("▲", "接近")


@pytest.mark.parametrize(
    ("period", "actual", "words"),
    [
        (Period.of(108, "quarter", 1), "20", "依第1季累計 20%，預估年底達成 80%"),
        (Period.of(108, "quarter", 3), "60", "依第3季累計 60%，預估年底達成 80%"),
        (Period.of(108, "half", 1), "40", "依上半年累計 40%，預估年底達成 80%"),
        (Period.of(108, "quarter", 4), "80", "第4季累計達成 80%"),
        (Period.of(108, "year", 1), "80", "全年累計達成 80%"),
    ],
)
def test_linear_share_of_the_year_elapsed(period: Period, actual: str, words: str) -> None:
    p = project(numeric("100"), period, Legend(), actual=Decimal(actual), done=None)
    assert p.projected_percent == Decimal("80.0")
    assert p.rule == words


def test_a_count_per_year_accumulates_and_a_fraction_keeps_its_decimal() -> None:
    # 場次 are counted up over the year: 1 of 3 at Q2 is on the way to 2 of 3.
    p = project(numeric("3"), Q2, Legend(), actual=Decimal(1), done=None)
    assert p.projected_percent == Decimal("66.7")
    assert p.rule == "依第2季累計 33.3%，預估年底達成 66.7%"
    assert p.light == Light.RED


@pytest.mark.parametrize(
    ("legend", "actual", "light"),
    [
        (Legend(), "50", Light.GREEN),  # 100% exactly: green
        (Legend(), "49.97", Light.YELLOW),  # 99.94% → 99.9 (49.99 rounds to 100.0: green)
        (Legend(), "40", Light.YELLOW),  # 80% exactly: yellow
        (Legend(), "39.97", Light.RED),  # 79.94% → 79.9
        (Legend(Decimal(95), Decimal(70)), "47.5", Light.GREEN),  # 95%
        (Legend(Decimal(95), Decimal(70)), "47.4", Light.YELLOW),  # 94.8%
        (Legend(Decimal(95), Decimal(70)), "35", Light.YELLOW),  # 70%
        (Legend(Decimal(95), Decimal(70)), "34.9", Light.RED),  # 69.8%
    ],
)
def test_lights_at_the_legends_bounds(legend: Legend, actual: str, light: Light) -> None:
    assert project(numeric("100"), Q2, legend, actual=Decimal(actual), done=None).light == light


def test_a_rate_is_not_divided_by_the_share_of_the_year() -> None:
    p = project(numeric("90", unit="%"), Q2, Legend(), actual=Decimal(81), done=None)
    assert p.method == Method.LEVEL
    assert p.projected == Decimal(81)
    assert p.projected_percent == Decimal("90.0")
    assert p.rule == "依第2季達成 90%（比率不累計），預估年底達成 90%"
    assert p.light == Light.YELLOW


@pytest.mark.parametrize(
    ("due", "done", "light", "words"),
    [
        # Due before the end of Q2 (30 June) and not done: red.
        (datetime.date(2019, 5, 31), None, Light.RED, "預定 108年5月31日 完成，至第2季末仍未完成"),
        # Due on the period's last day: not yet overdue.
        (datetime.date(2019, 6, 30), None, Light.WHITE, "預定 108年6月30日 完成，尚未到期"),
        (datetime.date(2019, 9, 30), None, Light.WHITE, "預定 108年9月30日 完成，尚未到期"),
        (
            datetime.date(2019, 9, 30),
            datetime.date(2019, 6, 1),
            Light.GREEN,
            "預定 108年9月30日 完成，已於 108年6月1日 完成",
        ),
        (
            datetime.date(2019, 5, 31),
            datetime.date(2019, 6, 15),
            Light.YELLOW,
            "預定 108年5月31日 完成，已於 108年6月15日 完成",
        ),
    ],
)
def test_milestones(
    due: datetime.date, done: datetime.date | None, light: Light, words: str
) -> None:
    p = project(milestone(due), Q2, Legend(), actual=None, done=done)
    assert p.method == Method.MILESTONE
    assert (p.light, p.rule) == (light, words)


def test_no_figure_no_projection() -> None:
    p = project(numeric("100"), Q2, Legend(), actual=None, done=None)
    assert (p.method, p.light, p.projected) == (Method.NONE, Light.WHITE, None)
    assert p.rule == "第2季尚無累計數值，無法推估。"


# --- the cycle: periods, figures, actions --------------------------------------------------


@dataclass
class Cycle:
    social: Agency
    coordinator: User
    reporter: User
    red: Measure  # 十四.1 兒童少年保護個案服務案次, target 5,800
    yellow: Measure  # 十.1 婦女館方案服務課程活動場次, target 320


def open_period(code: str) -> ReportingPeriod:
    return services.period_open(
        jurisdiction=Jurisdiction.objects.get(slug="hsinchu"),
        code=code,
        deadline=datetime.date(2019, 12, 31),
        department=Agency.objects.get(slug="hsinchu-social"),
        actor=None,
    )


def report(
    period: ReportingPeriod,
    actor: User,
    *,
    share: Decimal,
    overrides: dict[int, Decimal] | None = None,
    submit: bool = True,
) -> Submission:
    """The department's figures for ``period``: every numeric measure at ``share`` of its
    target unless overridden, milestones done on their due date (or noted when not yet due)."""
    overrides = overrides or {}
    submission = Submission.objects.get(period=period)
    whole = submission_whole(submission.pk)
    inputs = {}
    for entry in whole.measure_entries.all():
        m = entry.measure
        if m.kind == MeasureKind.MILESTONE:
            due_before = m.due is not None and m.due <= period.ends_on
            inputs[entry.pk] = services.MeasureInput(
                actual=None, done=m.due if due_before else None, note="" if due_before else "進行中"
            )
        else:
            value = overrides.get(m.pk, (m.target or Decimal(0)) * share)
            inputs[entry.pk] = services.MeasureInput(actual=value.quantize(Decimal("0.01")))
    services.submission_save_draft(
        submission=whole, expected_version=whole.version, tasks={}, measures=inputs, actor=actor
    )
    if submit:
        services.submission_transition(submission=whole, transition=Transition.SUBMIT, actor=actor)
    return submission


def _grant_roles() -> None:
    """A coordinator of 新竹市 and a reporter of its 社會處."""
    coordinator = User.objects.create_user("ew-coordinator", password="x" * 12)
    membership_grant(
        user=coordinator,
        role=Role.COORDINATOR,
        jurisdiction=Jurisdiction.objects.get(slug="hsinchu"),
        actor=None,
    )
    reporter = User.objects.create_user("ew-reporter", password="x" * 12)
    membership_grant(
        user=reporter,
        role=Role.REPORTER,
        agency=Agency.objects.get(slug="hsinchu-social"),
        actor=None,
    )


def _read_cycle() -> Cycle:
    """The cycle's people and measures, read afresh (no instance is kept across tests)."""
    social = Agency.objects.get(slug="hsinchu-social")
    measures = Measure.objects.filter(
        indicator__plan__department=social, indicator__plan__year=2019
    )
    return Cycle(
        social=social,
        coordinator=User.objects.get(username="ew-coordinator"),
        reporter=User.objects.get(username="ew-reporter"),
        red=measures.get(indicator__plan__number=14, indicator__number=1),
        yellow=measures.get(indicator__plan__number=10, indicator__number=1, position=1),
    )


@pytest.fixture
def fresh_cycle(db: None) -> Cycle:
    """The people, with no period opened yet."""
    _grant_roles()
    return _read_cycle()


@pytest.fixture(scope="module")
def q2_once(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """108Q2 sent by the department: 十四.1 at 25% (→ 50%, red), 十.1 at 140 of 320 (43.75% →
    87.5%, yellow), everything else on track (half of the target at mid-year). Made once for
    the module and rolled back at its end; each test's own writes are undone by its ``db``."""
    with rolled_back_at_the_end(django_db_blocker):
        _grant_roles()
        cycle = _read_cycle()
        report(
            open_period("108Q2"),
            cycle.reporter,
            share=Decimal("0.5"),
            overrides={cycle.red.pk: Decimal(1450), cycle.yellow.pk: Decimal(140)},
        )
        yield


@pytest.fixture
def cycle(q2_once: None, db: None) -> Cycle:
    return _read_cycle()


@pytest.fixture
def q2(q2_once: None, db: None) -> ReportingPeriod:
    return ReportingPeriod.objects.get(department__slug="hsinchu-social", code="108Q2")


def rows_of(client: Client, period: ReportingPeriod) -> dict[str, str]:
    response = client.get(reverse("cycles:early_warning", args=[period.pk]))
    assert response.status_code == 200
    page = html.fromstring(response.content.decode())
    return {
        tr.get("id"): tr.get("data-light")
        for tr in page.xpath('//table[@id="early-warning"]/tbody/tr')
    }


def test_the_list_shows_only_measures_predicted_red_or_yellow(
    q2: ReportingPeriod, cycle: Cycle, client_for: ClientFor
) -> None:
    client = client_for("ew-coordinator")
    assert rows_of(client, q2) == {f"m{cycle.red.pk}": "red", f"m{cycle.yellow.pk}": "yellow"}
    page = html.fromstring(
        client.get(reverse("cycles:early_warning", args=[q2.pk])).content.decode()
    )
    red = page.xpath(f'//*[@id="m{cycle.red.pk}"]')[0]
    cells = [c.text_content().strip() for c in red.xpath("./th|./td")]
    assert cells[0] == "十四.1"
    assert cells[2] == "社會處"
    assert cells[3].startswith("1,450案次")
    assert cells[4] == "依第2季累計 25%，預估年底達成 50%"
    assert cells[5] == "■ 落後"
    assert "尚無改善措施" in cells[6]
    # Red first, then yellow.
    assert [tr.get("data-light") for tr in page.xpath('//table[@id="early-warning"]/tbody/tr')] == [
        "red",
        "yellow",
    ]
    counts = [
        li.text_content().split() for li in page.xpath('//ul[contains(@class, "light-counts")]/li')
    ]
    assert [c[:2] for c in counts] == [["●", "達標"], ["▲", "接近"], ["■", "落後"], ["○", "無資料"]]
    assert [c[2] for c in counts][1:3] == ["1", "1"]
    assert (
        sum(int(c[2]) for c in counts) == MeasureEntry.objects.filter(submission__period=q2).count()
    )


def test_figures_still_in_draft_are_not_projected(
    fresh_cycle: Cycle, client_for: ClientFor
) -> None:
    period = open_period("108Q2")
    report(
        period, fresh_cycle.reporter, share=Decimal("0.1"), overrides={}, submit=False
    )  # far behind, but not sent
    warning = selectors.early_warning(period)
    assert {r.projection.light for r in warning.rows} == {Light.WHITE}
    assert warning.rows[0].projection.rule == "本期填報尚未送出，無法推估。"
    assert rows_of(client_for("ew-coordinator"), period) == {}


def test_the_jurisdictions_legend_decides(q2: ReportingPeriod, cycle: Cycle) -> None:
    LightLegend.objects.create(
        jurisdiction=Jurisdiction.objects.get(slug="hsinchu"),
        green_at=Decimal(100),
        yellow_at=Decimal(90),
    )
    lights = {r.measure.pk: r.projection.light for r in selectors.early_warning(q2).listed}
    assert lights == {cycle.red.pk: Light.RED, cycle.yellow.pk: Light.RED}


def _post(client: Client, period: ReportingPeriod, measure: Measure, **data: str) -> Any:
    return client.post(reverse("cycles:corrective_action", args=[period.pk, measure.pk]), data)


def test_an_action_opened_in_q2_is_followed_up_in_q3_until_closed(
    q2: ReportingPeriod, cycle: Cycle, client_for: ClientFor
) -> None:
    coordinator, reporter = client_for("ew-coordinator"), client_for("ew-reporter")
    response = _post(
        coordinator,
        q2,
        cycle.red,
        op="open",
        what="增聘社工2名，加速開案",
        who="保護服務科",
        due="108/09/30",
    )
    assert response.status_code == 302
    action = CorrectiveAction.objects.get(measure=cycle.red)
    assert (action.opened_in, action.status, action.due) == (q2, "open", datetime.date(2019, 9, 30))

    # Q3: 十四.1 has caught up (75% of the target → 100%, green) but the action is still open,
    # so it stays on the list and on the department's submission page.
    q3 = open_period("108Q3")
    report(q3, cycle.reporter, share=Decimal("0.75"))
    assert rows_of(coordinator, q3) == {f"m{cycle.red.pk}": "green"}
    submission = Submission.objects.get(period=q3)
    page = html.fromstring(
        reporter.get(reverse("cycles:submission", args=[submission.pk])).content.decode()
    )
    listed = page.xpath('//*[@id="corrective-actions"]//li')
    assert len(listed) == 1 and "增聘社工2名，加速開案" in listed[0].text_content()

    # The department's reporter writes Q3's follow-up; a reporter may not close it.
    assert (
        _post(reporter, q3, cycle.red, op="follow", note="已增聘1名，第2名甄選中").status_code
        == 302
    )
    assert _post(reporter, q3, cycle.red, op="close", closing_note="完成").status_code == 403
    assert CorrectiveActionUpdate.objects.get(action=action).period == q3

    # Closed in Q3: still shown in Q3 (closed there), gone from Q4 and the submission page.
    assert (
        _post(coordinator, q3, cycle.red, op="close", closing_note="案次已追上進度").status_code
        == 302
    )
    action.refresh_from_db()
    assert (action.status, action.closed_in) == ("closed", q3)
    assert rows_of(coordinator, q3) == {f"m{cycle.red.pk}": "green"}
    q4 = open_period("108Q4")
    report(q4, cycle.reporter, share=Decimal(1))
    assert rows_of(coordinator, q4) == {}
    page = html.fromstring(
        reporter.get(reverse("cycles:submission", args=[submission.pk])).content.decode()
    )
    assert page.xpath('//*[@id="corrective-actions"]') == []

    # Every write is in the audit log, with what was written.
    entries = AuditEntry.objects.filter(
        object_type="cycles.correctiveaction", object_id=str(action.pk)
    ).order_by("pk")
    assert [e.action for e in entries] == [
        "corrective_action_open",
        "corrective_action_follow_up",
        "corrective_action_close",
    ]
    assert (entries[0].after or {})["who"] == "保護服務科"
    assert entries[1].after == {"period": "108Q3", "note": "已增聘1名，第2名甄選中"}
    assert (entries[2].after or {})["closing_note"] == "案次已追上進度"


def test_the_list_shows_the_action_and_its_latest_follow_up(
    q2: ReportingPeriod, cycle: Cycle, client_for: ClientFor
) -> None:
    action = services.corrective_action_open(
        period=q2,
        measure=cycle.yellow,
        what="增開假日場次",
        who="婦女福利科",
        due=datetime.date(2019, 12, 31),
        actor=cycle.coordinator,
    )
    services.corrective_action_follow_up(
        action=action, period=q2, note="7月起每月增2場", actor=cycle.reporter
    )
    page = html.fromstring(
        client_for("ew-coordinator")
        .get(reverse("cycles:early_warning", args=[q2.pk]))
        .content.decode()
    )
    cell = page.xpath(f'//*[@id="m{cycle.yellow.pk}"]/td[contains(@class, "action")]')[
        0
    ].text_content()
    assert "追蹤中" in cell and "增開假日場次" in cell and "婦女福利科" in cell
    assert "最近追蹤（108Q2）：7月起每月增2場" in cell


def test_a_refused_open_keeps_what_was_typed(
    q2: ReportingPeriod, cycle: Cycle, client_for: ClientFor
) -> None:
    response = _post(
        client_for("ew-coordinator"), q2, cycle.red, op="open", what="加派人力", who="", due="明天"
    )
    assert response.status_code == 400
    page = html.fromstring(response.content.decode())
    assert page.get_element_by_id("id_what").text_content().strip() == "加派人力"
    assert page.get_element_by_id("id_due").get("value") == "明天"
    summary = page.xpath('//*[contains(@class, "error-summary")]//a')
    assert {a.get("href") for a in summary} == {"#id_who", "#id_due"}
    assert not CorrectiveAction.objects.exists()


def test_services_refuse_what_does_not_fit(q2: ReportingPeriod, cycle: Cycle) -> None:
    due = datetime.date(2019, 9, 30)
    services.corrective_action_open(
        period=q2, measure=cycle.red, what="增聘社工", who="保護服務科", due=due, actor=None
    )
    with pytest.raises(InputRejected, match="已有追蹤中的改善措施"):
        services.corrective_action_open(
            period=q2, measure=cycle.red, what="再一項", who="科", due=due, actor=None
        )
    with pytest.raises(NotPermitted):
        services.corrective_action_open(
            period=q2, measure=cycle.yellow, what="x", who="y", due=due, actor=cycle.reporter
        )
    elsewhere = ReportingPeriod.objects.get(pk=q2.pk)
    elsewhere.year = 2020  # a period of another year does not report 108's measures
    with pytest.raises(InputRejected, match="不是這項衡量標準所屬機關與年度"):
        services.corrective_action_open(
            period=elsewhere, measure=cycle.yellow, what="x", who="y", due=due, actor=None
        )
    action = CorrectiveAction.objects.get(measure=cycle.red)
    with pytest.raises(InputRejected, match="請填寫結案說明"):
        services.corrective_action_close(action=action, period=q2, note=" ", actor=None)
    q1 = open_period("108Q1")
    with pytest.raises(InputRejected, match="不能在較早的 108Q1 追蹤"):
        services.corrective_action_follow_up(action=action, period=q1, note="x", actor=None)
    update = services.corrective_action_follow_up(
        action=action, period=q2, note="進行中", actor=None
    )
    with pytest.raises(PermissionError):
        update.save()  # a follow-up is kept as written


def test_an_outsider_sees_nothing(q2: ReportingPeriod, cycle: Cycle, client_for: ClientFor) -> None:
    taipei = Jurisdiction.objects.create(slug="taipei-ew", name="臺北市", area_code="02")
    outsider = User.objects.create_user("ew-outsider", password="x" * 12)
    membership_grant(user=outsider, role=Role.COORDINATOR, jurisdiction=taipei, actor=None)
    User.objects.create_user("ew-nobody", password="x" * 12)
    urls = [
        reverse("cycles:early_warning", args=[q2.pk]),
        reverse("cycles:corrective_action", args=[q2.pk, cycle.red.pk]),
        f"/api/v1/cycles/periods/{q2.pk}/early-warning",
    ]
    for name in ("ew-outsider", "ew-nobody"):
        client = client_for(name)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 403, (name, url)
            assert "十四.1" not in response.content.decode()
        response = _post(client, q2, cycle.red, op="open", what="x", who="y", due="108/09/30")
        assert response.status_code == 403
    assert client_for(None).get(urls[0]).status_code == 302
    assert client_for(None).get(urls[2]).status_code == 401
    assert not CorrectiveAction.objects.exists()


def test_the_api_gives_the_listed_measures(
    q2: ReportingPeriod, cycle: Cycle, client_for: ClientFor
) -> None:
    client = client_for("ew-coordinator")
    response = client.get(f"/api/v1/cycles/periods/{q2.pk}/early-warning")
    assert response.status_code == 200
    body = response.json()
    assert body["period"]["code"] == "108Q2"
    assert body["legend"] == {"green_at": "100", "yellow_at": "80"} or body["legend"] == {
        "green_at": 100,
        "yellow_at": 80,
    }
    assert [(m["reference"], m["light"]) for m in body["measures"]] == [
        ("十四.1", "red"),
        ("十.1", "yellow"),
    ]
    first = body["measures"][0]
    assert first["rule"] == "依第2季累計 25%，預估年底達成 50%"
    assert first["department"] == "社會處"
    assert first["corrective_actions"] == []
    assert client.get("/api/v1/cycles/periods/999999/early-warning").status_code == 404


def test_query_count_does_not_grow_with_the_measures(
    q2: ReportingPeriod, cycle: Cycle, client_for: ClientFor, django_assert_max_num_queries: Any
) -> None:
    client = client_for("ew-coordinator")
    url = reverse("cycles:early_warning", args=[q2.pk])
    for measure in (cycle.red, cycle.yellow):
        services.corrective_action_open(
            period=q2, measure=measure, what="措施", who="科", due=q2.ends_on, actor=None
        )
    client.get(url)  # sessions and caches warmed
    with CaptureQueriesContext(connection) as full:
        assert client.get(url).status_code == 200
    entries = MeasureEntry.objects.filter(submission__period=q2)
    assert entries.count() == 83
    keep = [cycle.red.pk, cycle.yellow.pk]
    entries.exclude(measure_id__in=keep).exclude(pk=entries.first().pk).delete()  # type: ignore[union-attr]
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    assert len(full) == len(few)
    with django_assert_max_num_queries(12):
        client.get(url)


def test_who_may_do_what_on_the_action_page(
    q2: ReportingPeriod, cycle: Cycle, client_for: ClientFor
) -> None:
    hsinchu = Jurisdiction.objects.get(slug="hsinchu")
    reviewer = User.objects.create_user("ew-reviewer", password="x" * 12)
    membership_grant(user=reviewer, role=Role.REVIEWER, jurisdiction=hsinchu, actor=None)
    admin = User.objects.create_user("ew-admin", password="x" * 12)
    membership_grant(user=admin, role=Role.ADMIN, actor=None)
    other = Agency.objects.create(
        jurisdiction=hsinchu, slug="hsinchu-police-ew", name="新竹市警察局", label="警察局"
    )
    stranger = User.objects.create_user("ew-other-reporter", password="x" * 12)
    membership_grant(user=stranger, role=Role.REPORTER, agency=other, actor=None)
    url = reverse("cycles:corrective_action", args=[q2.pk, cycle.red.pk])
    opening = {"op": "open", "what": "加派人力", "who": "保護服務科", "due": "108/09/30"}
    # Administrators run the system but do not judge an agency's work; reporters of another
    # agency see nothing of this one.
    assert client_for("ew-admin").get(url).status_code == 200
    assert client_for("ew-admin").post(url, opening).status_code == 403
    assert client_for("ew-other-reporter").get(url).status_code == 403
    assert client_for("ew-reporter").post(url, opening).status_code == 403
    assert not CorrectiveAction.objects.exists()
    assert client_for("ew-reviewer").post(url, opening).status_code == 302
    assert CorrectiveAction.objects.get().opened_by.username == "ew-reviewer"  # type: ignore[union-attr]
    # The early-warning list itself is for those who oversee the period.
    warning = reverse("cycles:early_warning", args=[q2.pk])
    assert client_for("ew-reporter").get(warning).status_code == 403
    assert client_for("ew-reviewer").get(warning).status_code == 200
