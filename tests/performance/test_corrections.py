"""Published means final (issue 12): every path refuses changes, a 勘誤 publishes revision 2
with a public notice, and revision 1 stays downloadable byte for byte."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client

from guankao.core.models import AuditEntry
from guankao.imports.services import apply_performance, performance_target
from guankao.performance import document as performance_document
from guankao.performance import revisions, rules, selectors, services
from guankao.performance.exceptions import InvalidTransition, ReportLocked, ReportNotReady
from guankao.performance.models import (
    Measure,
    PerformanceReport,
    ReportRevision,
    ReportRevisionFile,
    ReportStatus,
)
from tests.performance import factories
from tests.performance.test_plans_replace import as_parsed, seed_plans

pytestmark = pytest.mark.django_db

BASE = "/performance/hsinchu-social/108/"


def the_108() -> PerformanceReport:
    return PerformanceReport.objects.select_related("department__jurisdiction").get(
        department__slug="hsinchu-social", year=2019
    )


def measure_8_5() -> Measure:
    return Measure.objects.select_related("indicator__plan__department").get(
        indicator__plan__department__slug="hsinchu-social",
        indicator__plan__year=2019,
        indicator__plan__number=8,
        indicator__number=5,
    )


def downloads(client: Client, prefix: str) -> dict[str, bytes]:
    found = {}
    for fmt in performance_document.FORMATS:
        response = client.get(f"{prefix}report.{fmt}")
        assert response.status_code == 200, (fmt, response.status_code)
        found[fmt] = response.content
    return found


def test_the_seed_report_is_kept_as_revision_1_in_every_format(client: Client) -> None:
    revision = ReportRevision.objects.get(report=the_108())
    assert (revision.number, revision.reason, revision.changes) == (1, "", [])
    files = {f.format: f for f in ReportRevisionFile.objects.filter(revision=revision)}
    assert sorted(files) == sorted(performance_document.FORMATS)
    for fmt, row in files.items():
        assert hashlib.sha256(bytes(row.content)).hexdigest() == row.sha256, fmt
    # The public download is the kept file, and the kept model renders to the same bytes.
    served = downloads(client, BASE)
    assert {fmt: bytes(row.content) for fmt, row in files.items()} == served
    kept = selectors.public_report_data(the_108())
    assert performance_document.render(kept, "json") == served["json"]


def test_no_path_changes_a_published_report() -> None:
    report, measure = the_108(), measure_8_5()
    with pytest.raises(ReportLocked, match="已公開，不能修改；如需更正，請開啟勘誤。"):
        services.measure_update(measure=measure, data={"actual": Decimal(400)}, actor=None)
    with pytest.raises(ReportLocked):
        services.report_update(report=report, data={"preface": "改"}, actor=None)
    with pytest.raises(ReportLocked):
        services.key_achievement_save(report=report, number=1, title="改", body="改", actor=None)
    with pytest.raises(ReportLocked):
        services.shortfall_review_save(measure=measure, reason="改", improvement="", actor=None)
    with pytest.raises(ReportLocked):
        services.plan_create(
            department=report.department, year=2019, name="新", budget_thousands=1, actor=None
        )
    # The reporting cycle's flow of actuals keeps a published report's figures (its rule).
    applied = services.measure_actuals_apply(values=[(measure, Decimal(400), None)], actor=None)
    assert (applied.written, applied.kept, applied.locked_by) == ([], [measure], report)
    assert Measure.objects.get(pk=measure.pk).actual == Decimal(361)


def test_an_import_of_a_published_year_is_refused() -> None:
    rows = seed_plans()
    changed = dataclasses.replace(rows[0], name=rows[0].name + "（改）")
    target = performance_target(org="hsinchu-social", year=108)
    with pytest.raises(ReportLocked, match="已公開"):
        apply_performance(parsed=as_parsed((changed, *rows[1:])), target=target, actor=None)
    # The same rows again change nothing, so the seed loader may run over a published year.
    services.plans_replace(department=the_108().department, year=2019, plans=rows, actor=None)
    assert not Measure.objects.filter(indicator__plan__name__endswith="（改）").exists()


def test_a_correction_needs_a_reason_and_republishes_as_revision_2(client: Client) -> None:
    report = the_108()
    before = downloads(client, f"{BASE}revisions/1/")
    with pytest.raises(InvalidTransition, match="請寫明勘誤原因。"):
        services.report_transition(report=report, transition="correct", reason=" ", actor=None)
    services.report_transition(
        report=report, transition="correct", reason="八.5 實際值誤植", actor=None
    )
    measure = measure_8_5()
    services.measure_update(measure=measure, data={"actual": Decimal(400)}, actor=None)
    # While it is corrected, the public still reads revision 1.
    assert downloads(client, BASE) == before
    public_html = client.get(BASE).content.decode()
    assert "受益 361人次" in public_html and "受益 400人次" not in public_html
    services.report_transition(report=report, transition="republish", actor=None)
    report.refresh_from_db()
    assert (report.status, report.correction_reason) == (ReportStatus.PUBLISHED, "")
    second = ReportRevision.objects.get(report=report, number=2)
    assert second.reason == "八.5 實際值誤植"
    assert (
        "八.5 （1）實際值：361 → 400" in second.changes
        or "八.5 實際值：361 → 400" in second.changes
    )
    html = client.get(BASE).content.decode()
    date = selectors.latest_revision(report)
    assert date is not None
    assert "本報告於" in html and "勘誤：八.5 實際值誤植" in html
    assert "受益 400人次" in html
    # Every format of revision 1 is byte-identical to what was first published.
    assert downloads(client, f"{BASE}revisions/1/") == before
    assert json.loads(client.get(f"{BASE}revisions/2/report.json").content)["status"] == (
        "published"
    )
    assert client.get(f"{BASE}revisions/3/report.pdf").status_code == 404
    entry = AuditEntry.objects.filter(action="publish revision").latest("pk")
    assert entry.after is not None and entry.after["revision"] == 2


def test_republishing_without_a_change_is_refused() -> None:
    report = factories.open_correction()
    with pytest.raises(InvalidTransition, match="勘誤版與第 1 版內容相同"):
        services.report_transition(report=report, transition="republish", actor=None)
    assert the_108().status == ReportStatus.CORRECTING
    assert ReportRevision.objects.filter(report=report).count() == 1


def test_a_data_file_cannot_end_a_correction() -> None:
    report = factories.open_correction()
    for status in (ReportStatus.DRAFT, ReportStatus.FINAL):
        with pytest.raises(ReportLocked, match="勘誤中"):
            services.report_status_load(report=report, status=status, actor=None)
    # Loading the seed again (it says published) leaves the correction open.
    services.report_status_load(report=report, status=ReportStatus.PUBLISHED, actor=None)
    report.refresh_from_db()
    assert report.status == ReportStatus.CORRECTING
    assert report.revisions.count() == 1


def test_kept_revisions_cannot_be_changed_in_the_database() -> None:
    revision = ReportRevision.objects.get(report=the_108())
    with pytest.raises(PermissionError):
        revision.save()
    # The trigger's error is an IntegrityError on SQLite and an InternalError on PostgreSQL;
    # the savepoint is rolled back before pytest.raises sees it.
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE performance_reportrevisionfile SET sha256 = 'x' WHERE revision_id = %s",
            [revision.pk],
        )
    # The UPDATE guard stands: migration 0006 lifted it to fill the 執行率 method, then put it back.
    assert revision.rate_method == revisions.load(revision.data).rate_method == "reported"
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE performance_reportrevision SET rate_method = 'budget' WHERE id = %s",
            [revision.pk],
        )


def test_the_cli_prints_a_kept_revision(tmp_path: Path) -> None:
    out = tmp_path / "r1.pdf"
    call_command(
        "report", "performance", "--org", "hsinchu-social", "--year", "108",
        "--revision", "1", "--format", "pdf", "-o", str(out), stdout=io.StringIO(),
    )  # fmt: skip
    kept = ReportRevisionFile.objects.get(revision__report=the_108(), format="pdf")
    assert out.read_bytes() == bytes(kept.content)


def test_the_cli_refuses_an_unknown_revision(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="沒有第 9 版") as raised:
        call_command(
            "report", "performance", "--org", "hsinchu-social", "--year", "108",
            "--revision", "9", "--format", "pdf", "-o", str(tmp_path / "x.pdf"),
        )  # fmt: skip
    assert raised.value.returncode == 2
    assert not (tmp_path / "x.pdf").exists()


# --- gates: what 定稿 and 公開 refuse ------------------------------------------------------


def test_placeholder_text_an_empty_part_five_and_a_contradicting_text_are_refused() -> None:
    report = factories.small_report()
    factories.review(
        Measure.objects.get(
            indicator__plan__department=report.department, indicator__plan__number=2
        ),
        "原因",
    )
    services.report_update(report=report, data={"preface": "（請填寫前言）"}, actor=None)
    report.achievements.all().delete()
    first = Measure.objects.get(
        indicator__plan__department=report.department, indicator__plan__number=1
    )
    # The actual says 4,999 while the text says 1,200: and the text is not rewritten because
    # the change goes around the service.
    Measure.objects.filter(pk=first.pk).update(actual=Decimal(4999))
    with pytest.raises(ReportNotReady) as raised:
        services.report_transition(report=report, transition="finalise", actor=None)
    assert raised.value.problems == [
        "前言仍是待填寫的文字",
        "伍、年度重要施政具體事蹟尚無內容",
        "計畫一 指標 1 的執行績效文字未寫出實際值 4,999人次",
    ]
    kinds = [p.where for p in rules.readiness(selectors.report_data(report))]
    assert kinds == ["text", "achievements", "indicator"]


def test_the_confirmation_links_each_problem(client: Client) -> None:
    report = factories.small_report()
    client.force_login(factories.staff_user())
    html = client.post("/performance/test-social/113/status/", {"to": "final"}).content.decode()
    measure = Measure.objects.get(
        indicator__plan__department=report.department, indicator__plan__number=2
    )
    assert f'href="/performance/test-social/113/review/#r{measure.pk}"' in html
    assert "尚有 1 個問題，處理後才能定稿" in html


def test_opening_a_correction_on_the_page_asks_for_the_reason(client: Client) -> None:
    client.force_login(factories.staff_user())
    html = client.post(BASE + "status/", {"to": "correcting"}).content.decode()
    assert "確認勘誤" in html and 'name="reason"' in html
    response = client.post(BASE + "status/", {"to": "correcting", "confirmed": "yes"})
    assert response.status_code == 400
    assert "請寫明勘誤原因。" in response.content.decode()
    assert the_108().status == ReportStatus.PUBLISHED
    client.post(BASE + "status/", {"to": "correcting", "confirmed": "yes", "reason": "數字誤植"})
    assert the_108().status == ReportStatus.CORRECTING
    page = client.get(BASE).content.decode()
    assert "勘誤中（原因：數字誤植）" in page
    services.measure_update(measure=measure_8_5(), data={"actual": Decimal(400)}, actor=None)
    html = client.post(BASE + "status/", {"to": "published"}).content.decode()
    assert "第 2 版將更正的內容" in html and "361 → 400" in html


def test_a_correction_opened_by_mistake_is_cancelled_only_while_unchanged(client: Client) -> None:
    client.force_login(factories.staff_user())
    report = factories.open_correction(reason="開錯了")
    page = client.get(BASE).content.decode()
    assert 'name="transition" value="cancel"' in page and "取消勘誤" in page
    measure = measure_8_5()
    services.measure_update(measure=measure, data={"actual": Decimal(400)}, actor=None)
    with pytest.raises(InvalidTransition, match=r"勘誤已修改 2 處（八\.5 執行績效文字修正"):
        services.report_transition(report=report, transition="cancel", actor=None)
    assert the_108().status == ReportStatus.CORRECTING
    services.measure_update(measure=measure, data={"actual": Decimal(361)}, actor=None)
    confirm = client.post(BASE + "status/", {"to": "published", "transition": "cancel"})
    assert "回到目前公開的版本" in confirm.content.decode()
    client.post(BASE + "status/", {"to": "published", "transition": "cancel", "confirmed": "yes"})
    report.refresh_from_db()
    assert (report.status, report.correction_reason) == (ReportStatus.PUBLISHED, "")
    assert report.revisions.count() == 1
    assert AuditEntry.objects.filter(action="status correcting → published").exists()
