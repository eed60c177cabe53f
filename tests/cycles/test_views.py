"""The cycles pages: filling in, refusals that write nothing, conflicts, ROC dates, query counts."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from guankao.core.accounts import membership_grant, user_ensure
from guankao.core.models import Agency, AuditEntry, Jurisdiction, Role
from guankao.cycles import services
from guankao.cycles.models import (
    Attachment,
    Figure,
    MeasureEntry,
    ReportingPeriod,
    Submission,
    TaskEntry,
)
from guankao.cycles.selectors import submission_whole
from guankao.cycles.state import Transition
from guankao.tw import format_roc_date
from tests.conftest import rolled_back_at_the_end
from tests.cycles.conftest import Demo, complete_tasks, fill_and_submit
from tests.cycles.files import EXE, docx_bytes, odt_bytes, pdf_bytes, png_bytes, upload

pytestmark = pytest.mark.django_db

POLICE = "keelung-police"
ClientFor = Callable[[str | None], Client]


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def form_data(submission: Submission, **overrides: Any) -> dict[str, Any]:
    """What the edit page posts: every task entry with its figure rows, and the version."""
    whole = submission_whole(submission.pk)
    data: dict[str, Any] = {"version": whole.version}
    for entry in whole.task_entries.all():
        prefix = f"t{entry.pk}"
        data |= {
            f"{prefix}-narrative": entry.narrative,
            f"{prefix}-behind_reason": "",
            f"{prefix}-fig-TOTAL_FORMS": "2",
            f"{prefix}-fig-INITIAL_FORMS": "0",
        }
        for i in range(2):
            data |= {
                f"{prefix}-fig-{i}-label": "",
                f"{prefix}-fig-{i}-value": "",
                f"{prefix}-fig-{i}-unit": "",
            }
    data.update(overrides)
    return data


def first_entry(demo: Demo) -> TaskEntry:
    return submission_whole(demo.submission(POLICE).pk).task_entries.all()[0]


def state(submission: Submission) -> tuple[int, int, int, int]:
    """What a refused request must leave as it was."""
    return (
        Submission.objects.get(pk=submission.pk).version,
        AuditEntry.objects.count(),
        Attachment.objects.count(),
        Figure.objects.filter(entry__submission=submission).count(),
    )


def test_a_reporter_fills_in_figures_read_the_official_way(
    demo: Demo, client_for: ClientFor
) -> None:
    police = demo.submission(POLICE)
    entry = first_entry(demo)
    client = client_for("demo-reporter-police")
    page = client.get(reverse("cycles:submission_edit", args=[police.pk]))
    assert page.status_code == 200
    assert "辦理情形" in page.content.decode()
    p = f"t{entry.pk}"
    response = client.post(
        reverse("cycles:submission_edit", args=[police.pk]),
        form_data(
            police,
            **{
                f"{p}-narrative": "辦理家庭暴力防治宣導。",
                f"{p}-fig-0-label": "宣導",
                f"{p}-fig-0-value": "1萬 2,000",
                f"{p}-fig-0-unit": "人次",
                f"{p}-fig-1-label": "場次",
                f"{p}-fig-1-value": "十二場",
            },
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    figures = [(f.label, f.value, f.unit) for f in Figure.objects.filter(entry=entry)]
    assert figures == [("宣導", Decimal(12000), "人次"), ("場次", Decimal(12), "場")]
    shown = client.get(reverse("cycles:submission", args=[police.pk])).content.decode()
    assert "宣導 1萬 2,000人次" in shown and "場次 12場" in shown


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("十二點", "「十二點」不是數字"),
        ("12 apples", "「12 apples」不是數字"),
        ("-3", "超出可填的範圍"),
    ],
)
def test_a_figure_that_is_not_a_number_is_refused(
    value: str, message: str, demo: Demo, client_for: ClientFor
) -> None:
    police = demo.submission(POLICE)
    entry = first_entry(demo)
    before = state(police)
    response = client_for("demo-reporter-police").post(
        reverse("cycles:submission_edit", args=[police.pk]),
        form_data(
            police,
            **{
                f"t{entry.pk}-narrative": "有寫",
                f"t{entry.pk}-fig-0-value": value,
                f"t{entry.pk}-fig-0-unit": "場",
            },
        ),
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert state(police) == before
    assert TaskEntry.objects.get(pk=entry.pk).narrative == ""


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.exe", EXE, "請重新選擇檔案：setup.exe（不接受這種檔案）"),
        ("report.pdf", EXE, "請重新選擇檔案：report.pdf（內容不是 PDF 檔）"),
        ("big.pdf", pdf_bytes(1024 * 1024 + 1), "請重新選擇檔案：big.pdf（超過 1 MB）"),
    ],
)
def test_a_bad_attachment_is_refused_and_nothing_is_written(
    name: str, content: bytes, message: str, demo: Demo, client_for: ClientFor, settings: Any,
    media: Path,
) -> None:  # fmt: skip
    settings.CYCLES_MAX_ATTACHMENT_MB = 1
    police = demo.submission(POLICE)
    entry = first_entry(demo)
    before = state(police)
    response = client_for("demo-reporter-police").post(
        reverse("cycles:submission_edit", args=[police.pk]),
        form_data(
            police,
            **{
                f"t{entry.pk}-narrative": "附上成果",
                f"t{entry.pk}-new_files": upload(name, content),
            },
        ),
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert state(police) == before
    assert list(media.rglob("*.*")) == []


def test_good_attachments_are_kept_and_downloaded(
    demo: Demo, client_for: ClientFor, media: Path
) -> None:
    police = demo.submission(POLICE)
    entry = first_entry(demo)
    client = client_for("demo-reporter-police")
    files = [
        upload("成果.pdf", pdf_bytes()),
        upload("成果.odt", odt_bytes()),
        upload("成果.docx", docx_bytes()),
        upload("照片.png", png_bytes()),
    ]
    response = client.post(
        reverse("cycles:submission_edit", args=[police.pk]),
        form_data(
            police, **{f"t{entry.pk}-narrative": "附上成果", f"t{entry.pk}-new_files": files}
        ),
    )
    assert response.status_code == 302
    stored = list(Attachment.objects.filter(entry=entry).order_by("pk"))
    assert [a.original_name for a in stored] == ["成果.pdf", "成果.odt", "成果.docx", "照片.png"]
    names = [str(a.file.name) for a in stored]
    assert all(name.startswith("cycles/") and "成果" not in name for name in names)
    download = client.get(reverse("cycles:attachment", args=[stored[1].pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/vnd.oasis.opendocument.text"
    assert "attachment" in download["Content-Disposition"]
    body = download.getvalue()
    assert hashlib.sha256(body).hexdigest() == stored[1].sha256
    assert body.startswith(b"PK\x03\x04")
    assert download.get("X-Content-Type-Options") == "nosniff"
    # Removing keeps the file for older versions; the current list no longer shows it.
    response = client.post(
        reverse("cycles:submission_edit", args=[police.pk]),
        form_data(
            police, **{f"t{entry.pk}-narrative": "附上成果", f"t{entry.pk}-remove": [stored[0].pk]}
        ),
    )
    assert response.status_code == 302
    assert Attachment.objects.get(pk=stored[0].pk).removed_at is not None
    assert (media / names[0]).exists()
    shown = client.get(reverse("cycles:submission", args=[police.pk])).content.decode()
    assert "成果.odt" in shown and "成果.pdf" not in shown


def test_a_save_after_approval_is_refused(demo: Demo, client_for: ClientFor) -> None:
    health = demo.submission("keelung-health")  # approved sample
    assert health.status == "approved"
    # Even a reporter of that agency: grant one for this test.
    reporter = demo.user("demo-reporter-police")
    membership_grant(user=reporter, role=Role.REPORTER, agency=health.agency, actor=None)
    before = state(health)
    client = client_for("demo-reporter-police")
    response = client.post(reverse("cycles:submission_edit", args=[health.pk]), form_data(health))
    assert response.status_code == 409
    assert "已核定並鎖定" in response.content.decode()
    assert state(health) == before
    response = client.post(reverse("cycles:submission_submit", args=[health.pk]), {})
    assert response.status_code == 409
    assert "這份填報目前為「已核定」，不能送出" in response.content.decode()
    assert state(health) == before


def test_a_forged_form_for_another_agency_is_refused(demo: Demo, client_for: ClientFor) -> None:
    police = demo.submission(POLICE)
    civil = demo.submission("keelung-civil-affairs")
    services.submission_transition(
        transition=Transition.RETURN,
        submission=civil,
        reason="請修正。",
        actor=demo.user("demo-coordinator"),
    )
    foreign = submission_whole(civil.pk).task_entries.all()[0]
    client = client_for("demo-reporter-police")
    before_police, before_civil = state(police), state(civil)
    # 1. The other agency's URL: the role matrix refuses.
    response = client.post(
        reverse("cycles:submission_edit", args=[civil.pk]),
        form_data(civil, **{f"t{foreign.pk}-narrative": "偽造"}),
    )
    assert response.status_code == 403
    # 2. Own URL, other agency's fields only: the form is incomplete and nothing is read from it.
    forged = {
        "version": police.version,
        f"t{foreign.pk}-narrative": "偽造",
        f"t{foreign.pk}-fig-TOTAL_FORMS": "0",
        f"t{foreign.pk}-fig-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("cycles:submission_edit", args=[police.pk]), forged)
    assert response.status_code == 400
    assert state(police) == before_police and state(civil) == before_civil
    assert TaskEntry.objects.get(pk=foreign.pk).narrative.startswith("【示範資料】")
    # 3. The API with the other agency's entry ids.
    response = client.put(
        f"/api/v1/cycles/submissions/{police.pk}/draft",
        {"version": police.version, "tasks": {str(foreign.pk): {"narrative": "偽造"}}},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "不屬於這份填報" in response.json()["detail"]
    assert state(police) == before_police and state(civil) == before_civil


def test_two_people_saving_the_same_version(demo: Demo, client_for: ClientFor) -> None:
    police = demo.submission(POLICE)
    colleague = user_ensure(
        username="police-colleague",
        password="another-Long-passphrase-7",
        email="",
        full_name="林同事",
        actor=None,
    )
    membership_grant(user=colleague, role=Role.REPORTER, agency=police.agency, actor=None)
    entry = first_entry(demo)
    first, second = client_for("police-colleague"), client_for("demo-reporter-police")
    loaded = form_data(police)  # both opened the page at version 1
    ok = first.post(
        reverse("cycles:submission_edit", args=[police.pk]),
        loaded | {f"t{entry.pk}-narrative": "林同事寫的辦理情形。"},
    )
    assert ok.status_code == 302
    refused = second.post(
        reverse("cycles:submission_edit", args=[police.pk]),
        loaded | {f"t{entry.pk}-narrative": "我寫的辦理情形。"},
    )
    page = refused.content.decode()
    assert refused.status_code == 409
    assert "林同事" in page and "第 2 版" in page
    assert "林同事寫的辦理情形。" in page  # what the other person changed
    assert "我寫的辦理情形。" in page  # what this person typed is still in the form
    assert TaskEntry.objects.get(pk=entry.pk).narrative == "林同事寫的辦理情形。"
    # Having seen the change, saving again (now based on version 2) is a deliberate overwrite.
    again = second.post(
        reverse("cycles:submission_edit", args=[police.pk]),
        loaded | {"version": 2, f"t{entry.pk}-narrative": "我寫的辦理情形。"},
    )
    assert again.status_code == 302
    assert TaskEntry.objects.get(pk=entry.pk).narrative == "我寫的辦理情形。"


def test_save_and_submit_an_incomplete_draft(demo: Demo, client_for: ClientFor) -> None:
    police = demo.submission(POLICE)
    entry = first_entry(demo)
    response = client_for("demo-reporter-police").post(
        reverse("cycles:submission_edit", args=[police.pk]),
        form_data(police, then="submit", **{f"t{entry.pk}-narrative": "只寫了一項"}),
    )
    assert response.status_code == 400
    assert "尚有 2 項未填寫，不能送出：警察局 第2項、警察局 第3項" in response.content.decode()
    assert Submission.objects.get(pk=police.pk).status == "draft"
    assert TaskEntry.objects.get(pk=entry.pk).narrative == "只寫了一項"  # the draft was kept


def test_return_needs_a_reason(demo: Demo, client_for: ClientFor) -> None:
    civil = demo.submission("keelung-civil-affairs")
    response = client_for("demo-coordinator").post(
        reverse("cycles:submission_return", args=[civil.pk]), {"reason": ""}
    )
    assert response.status_code == 400
    assert "請寫明理由" in response.content.decode()
    assert Submission.objects.get(pk=civil.pk).status == "submitted"


def test_dashboard_shows_roc_dates_statuses_and_lateness(demo: Demo, client_for: ClientFor) -> None:
    page = client_for("demo-coordinator").get(reverse("cycles:period", args=[demo.period.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert format_roc_date(demo.period.deadline) in html
    assert "113年1月1日－113年6月30日" in html
    assert "草稿 8、已送出 1、退回修正 1、已核定 1" in html
    submitted = Submission.objects.get(pk=demo.submission("keelung-civil-affairs").pk).submitted_at
    assert submitted is not None
    local = timezone.localtime(submitted)
    assert f"{format_roc_date(local.date())} {local:%H:%M}" in html


def test_reminder_button(demo: Demo, client_for: ClientFor, mailoutbox: list[Any]) -> None:
    police = demo.submission(POLICE)
    client = client_for("demo-coordinator")
    response = client.post(reverse("cycles:remind", args=[police.pk]), follow=True)
    assert (
        "已寄送催報通知給 警察局（demo-reporter-police@guankao.example）"
        in response.content.decode()
    )
    assert [m.to for m in mailoutbox] == [["demo-reporter-police@guankao.example"]]
    no_one = client.post(
        reverse("cycles:remind", args=[demo.submission("keelung-culture").pk]), follow=True
    )
    assert "文化局 沒有設定電子郵件的填報人，無法寄送" in no_one.content.decode()


def test_committee_report_page(demo: Demo, client_for: ClientFor) -> None:
    page = client_for("demo-reviewer").get(
        reverse("cycles:committee_report", args=[demo.period.pk])
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "本報告含示範資料" in html
    assert "辦理場次 2場" in html  # 衛生局 (approved) figures
    assert "警察局：草稿" in html  # missing submissions are marked


# Each page and its query limit, measured on the demo and again with more submissions,
# figures and comments: the same number of queries.
QUERY_LIMITS = [
    ("demo-coordinator", lambda d: reverse("cycles:period", args=[d.period.pk]), 7),
    ("demo-coordinator", lambda d: reverse("cycles:home"), 5),
    ("demo-reporter-police", lambda d: reverse("cycles:home"), 6),
    ("demo-reviewer", lambda d: reverse("cycles:committee_report", args=[d.period.pk]), 12),
    ("demo-reviewer", lambda d: reverse("cycles:submission", args=[d.submission("keelung-health").pk]), 10),
    ("demo-reporter-police", lambda d: reverse("cycles:submission_edit", args=[d.submission(POLICE).pk]), 10),
    ("demo-coordinator", lambda d: "/api/v1/cycles/submissions", 5),  # + the page's COUNT (X-Total-Count)
    ("demo-coordinator", lambda d: f"/api/v1/cycles/periods/{d.period.pk}/dashboard", 7),
]  # fmt: skip


@pytest.mark.parametrize(("username", "url", "limit"), QUERY_LIMITS)
def test_query_counts_on_the_demo(
    username: str, url: Callable[[Demo], str], limit: int, demo: Demo, client_for: ClientFor,
    django_assert_max_num_queries: Any,
) -> None:  # fmt: skip
    client = client_for(username)
    target = url(demo)
    with django_assert_max_num_queries(limit):
        assert client.get(target).status_code == 200


@pytest.fixture(scope="class")
def more_data_once(
    cycles_demo_once: list[tuple[str, str, str]], django_db_blocker: Any
) -> Iterator[None]:
    """Three more submissions sent, 警察局's filled in and commented, a general comment: made
    once for the class, rolled back when it is done."""
    with rolled_back_at_the_end(django_db_blocker):
        period = ReportingPeriod.objects.get(jurisdiction__slug="keelung", code="113H1")
        demo = Demo(period=period, credentials=list(cycles_demo_once))
        for slug in ["keelung-culture", "keelung-tax", "keelung-veterans-service"]:
            fill_and_submit(demo.submission(slug), None)
        police = submission_whole(demo.submission(POLICE).pk)
        services.submission_save_draft(
            submission=police,
            expected_version=police.version,
            tasks=complete_tasks(police),
            actor=None,
        )
        for entry in police.task_entries.all():
            services.comment_add(
                submission=police, entry=entry, body="請補充。", actor=demo.user("demo-reviewer")
            )
        services.comment_add(
            submission=demo.submission("keelung-health"),
            entry=None,
            body="整體意見",
            actor=demo.user("demo-reviewer"),
        )
        yield


class TestQueryCountsDoNotGrowWithData:
    @pytest.mark.parametrize(("username", "url", "limit"), QUERY_LIMITS)
    def test_query_counts_do_not_grow_with_data(
        self, username: str, url: Callable[[Demo], str], limit: int, more_data_once: None,
        demo: Demo, client_for: ClientFor, django_assert_max_num_queries: Any,
    ) -> None:  # fmt: skip
        assert Submission.objects.filter(period=demo.period, status="submitted").count() >= 3
        client = client_for(username)
        target = url(demo)
        with django_assert_max_num_queries(limit):
            assert client.get(target).status_code == 200


@pytest.mark.parametrize(
    ("username", "url", "data", "status", "message"),
    [
        ("demo-reporter-police", "edit", {}, 400, "表單不完整或已過期"),
        ("demo-reporter-police", "edit", {"version": "abc"}, 400, "表單不完整或已過期"),
        ("demo-coordinator", "new", {"code": "113Q9", "deadline": "114/01/15"}, 400, "縣市"),
        ("demo-coordinator", "new", {"code": "113Q3", "deadline": "明天"}, 400, "「明天」不是日期"),
        ("demo-reviewer", "comment", {"entry": "x", "body": "意見"}, 400, "表單不完整"),
        ("demo-reviewer", "comment", {"entry": "", "body": ""}, 400, "請填寫審查意見內容"),
        ("demo-reviewer", "comment", {"entry": "999999", "body": "意見"}, 400, "不屬於這份填報"),
        ("demo-coordinator", "deadline", {"deadline": "13/45/99"}, 302, ""),
    ],
)  # fmt: skip
def test_malformed_posts_are_answered_not_crashed(
    username: str, url: str, data: dict[str, str], status: int, message: str, demo: Demo,
    client_for: ClientFor,
) -> None:  # fmt: skip
    police = demo.submission(POLICE)
    target = {
        "edit": reverse("cycles:submission_edit", args=[police.pk]),
        "new": reverse("cycles:period_open"),
        "comment": reverse("cycles:comment_add", args=[police.pk]),
        "deadline": reverse("cycles:period_deadline", args=[demo.period.pk]),
    }[url]
    before = AuditEntry.objects.count()
    response = client_for(username).post(target, data)
    assert response.status_code == status
    assert message in response.content.decode()
    assert AuditEntry.objects.count() == before


def test_unknown_export_format_is_404(demo: Demo, client_for: ClientFor) -> None:
    client = client_for("demo-coordinator")
    assert client.get(f"/cycles/periods/{demo.period.pk}/audit.xml").status_code == 404
    assert client.get(f"/cycles/periods/{demo.period.pk}/audit.csv").status_code == 200


def test_audit_export_csv(demo: Demo, client_for: ClientFor) -> None:
    health = demo.submission("keelung-health")
    response = client_for("demo-coordinator").get(f"/cycles/submissions/{health.pk}/audit.csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff時間,操作者,動作,對象,欄位,變更前,變更後")
    assert ",approve," in text and ",submitted,approved" in text


def test_audit_page_names_the_system_for_versions_it_saved(
    demo: Demo, client_for: ClientFor
) -> None:
    """The demo saved some of health's versions without a user (as data loads and jobs do)."""
    health = demo.submission("keelung-health")
    creators = [r.created_by_id for r in health.revisions.order_by("number")]
    by_system = sum(1 for c in creators if c is None)
    assert 0 < by_system < len(creators)
    for account in ("demo-coordinator", "demo-reviewer"):
        response = client_for(account).get(f"/cycles/submissions/{health.pk}/audit/")
        assert response.status_code == 200
        versions = response.content.decode().split("保存的版本", 1)[1]
        assert versions.count("<li>") == len(creators)
        assert versions.count("，系統，") == by_system


def test_admin_shows_cycles_read_only(demo: Demo, admin_client: Client) -> None:
    for path in [
        "reportingperiod",
        "submission",
        "submissionrevision",
        "reminder",
        "reviewcomment",
    ]:
        assert admin_client.get(f"/admin/cycles/{path}/").status_code == 200
    revision = demo.submission(POLICE).revisions.get()
    assert (
        admin_client.get(f"/admin/cycles/submissionrevision/{revision.pk}/delete/").status_code
        == 403
    )
    assert admin_client.get("/admin/cycles/submission/add/").status_code == 403


def test_a_department_reports_its_measures_on_the_page(client_for: ClientFor) -> None:
    hsinchu = Jurisdiction.objects.get(slug="hsinchu")
    social = Agency.objects.get(slug="hsinchu-social")
    period = services.period_open(
        jurisdiction=hsinchu,
        code="108Q4",
        deadline=datetime.date(2020, 1, 15),
        department=social,
        actor=None,
    )
    reporter = user_ensure(
        username="social-reporter",
        password="a-Long-enough-passphrase-42",
        email="",
        full_name="社會處填報人",
        actor=None,
    )
    membership_grant(user=reporter, role=Role.REPORTER, agency=social, actor=None)
    submission = Submission.objects.get(period=period)
    whole = submission_whole(submission.pk)
    entries = list(whole.measure_entries.all())
    data: dict[str, Any] = {"version": 1}
    for entry in entries:
        data[f"m{entry.pk}-actual"] = ""
        data[f"m{entry.pk}-note"] = ""
    data[f"m{entries[0].pk}-actual"] = "1萬 2,000"
    data[f"m{entries[1].pk}-actual"] = "很多"
    client = client_for("social-reporter")
    page = client.get(reverse("cycles:submission_edit", args=[submission.pk])).content.decode()
    assert entries[0].measure.label in page
    refused = client.post(reverse("cycles:submission_edit", args=[submission.pk]), data)
    assert refused.status_code == 400
    assert "「很多」不是數字" in refused.content.decode()
    data[f"m{entries[1].pk}-actual"] = "3"
    saved = client.post(reverse("cycles:submission_edit", args=[submission.pk]), data)
    assert saved.status_code == 302
    actuals = [e.actual for e in MeasureEntry.objects.filter(submission=submission).order_by("pk")]
    assert actuals[:2] == [Decimal(12000), Decimal(3)]


def test_person_names_a_user_or_the_system() -> None:
    from django.contrib.auth.models import User

    from guankao.cycles.templatetags.cycles import person

    assert person(None) == "系統"
    assert person(User(username="chen", first_name="陳美玲")) == "陳美玲"  # accounts keep it whole
    assert person(User(username="chen")) == "chen"
