"""A whole reporting cycle in a real browser (Debian Chromium through Playwright).

The reporter fills in and submits, the coordinator returns it with a comment, a reviewer
comments on a task, the reporter corrects and resubmits, the coordinator approves; the committee
report then shows the figures and the audit log shows every step.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from guankao.cycles.demo import load_demo as load_cycles_demo
from guankao.cycles.models import Submission
from tests.cycles.files import pdf_bytes

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def signed_in(browser: Any, base: str, username: str, password: str) -> Any:
    """A fresh browser context signed in through the sign-in page the site redirects to."""
    context = browser.new_context(viewport={"width": 1024, "height": 900}, locale="zh-TW")
    page = context.new_page()
    page.goto(base + "/cycles/")
    assert "/login/" in page.url
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="登入").click()
    page.wait_for_url(base + "/cycles/")
    return page


def flash(page: Any) -> str:
    return str(page.locator("div[role=status]").inner_text())


@pytest.mark.django_db(transaction=True)
def test_report_return_resubmit_approve(
    live_demo: Any, browser: Any, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    passwords = {username: password for _role, username, password in load_cycles_demo(actor=None)}
    base = live_demo.url
    police = Submission.objects.get(period__code="113H1", agency__slug="keelung-police")
    entries = list(police.task_entries.order_by("task__position"))
    attachment = tmp_path / "宣導成果.pdf"
    attachment.write_bytes(pdf_bytes())

    # 1. The reporter fills in the three tasks and submits.
    reporter = signed_in(browser, base, "demo-reporter-police", passwords["demo-reporter-police"])
    row = reporter.locator("tr", has_text="警察局")
    row.get_by_role("link", name="填寫").click()
    for entry, text in zip(
        entries,
        ["結合社會處辦理受暴新住民保護宣導。", "辦理家暴防治教育訓練。", "落實單一通報窗口。"],
        strict=True,
    ):
        reporter.fill(f"#id_t{entry.pk}-narrative", text)
    reporter.fill(f"#id_t{entries[0].pk}-fig-0-label", "宣導場次")
    reporter.fill(f"#id_t{entries[0].pk}-fig-0-value", "12")
    reporter.fill(f"#id_t{entries[0].pk}-fig-0-unit", "場")
    reporter.fill(f"#id_t{entries[0].pk}-fig-1-label", "參與")
    reporter.fill(f"#id_t{entries[0].pk}-fig-1-value", "1萬 2,000")
    reporter.fill(f"#id_t{entries[0].pk}-fig-1-unit", "人次")
    reporter.set_input_files(f"#id_t{entries[0].pk}-new_files", str(attachment))
    reporter.get_by_role("button", name="儲存草稿").click()
    assert "草稿已儲存（第 2 版）" in flash(reporter)
    reporter.get_by_role("button", name="儲存並送出").click()
    assert "已送出，等候審查。" in flash(reporter)
    assert reporter.locator("#status").inner_text() == "已送出"
    assert "宣導場次 12場" in reporter.content() and "參與 1萬 2,000人次" in reporter.content()

    # 2. The coordinator sees it on the dashboard and returns it with a comment.
    coordinator = signed_in(browser, base, "demo-coordinator", passwords["demo-coordinator"])
    coordinator.get_by_role("link", name="113H1").first.click()
    dashboard_row = coordinator.locator("#dashboard tr", has_text="警察局")
    assert "已送出" in dashboard_row.inner_text()
    dashboard_row.get_by_role("link", name="檢視").click()
    coordinator.fill("#reason-return", "請補充各場次的辦理日期。")
    coordinator.get_by_role("button", name="退回修正").click()
    assert "已退回機關修正。" in flash(coordinator)

    # 3. A reviewer comments on the first task.
    reviewer = signed_in(browser, base, "demo-reviewer", passwords["demo-reviewer"])
    reviewer.goto(f"{base}/cycles/submissions/{police.pk}/")
    reviewer.fill(f"#comment-{entries[0].pk}", "宣導對象可再區分國籍。")
    reviewer.get_by_role("button", name="新增意見").first.click()
    assert "已新增審查意見。" in flash(reviewer)

    # 4. The reporter sees both, corrects and resubmits.
    reporter.goto(f"{base}/cycles/")
    reporter.locator("tr", has_text="警察局").get_by_role("link", name="填寫").click()
    page = reporter.content()
    assert "請補充各場次的辦理日期。" in page and "宣導對象可再區分國籍。" in page
    reporter.fill(
        f"#id_t{entries[0].pk}-narrative",
        "結合社會處辦理受暴新住民保護宣導（113年3月5日、4月16日等12場）。",
    )
    reporter.get_by_role("button", name="儲存並送出").click()
    assert "已送出，等候審查。" in flash(reporter)

    # 5. The coordinator approves.
    coordinator.goto(f"{base}/cycles/submissions/{police.pk}/")
    coordinator.get_by_role("button", name="核定").click()
    coordinator.get_by_role("button", name="確定核定").click()
    assert "已核定，資料已鎖定。" in flash(coordinator)
    assert coordinator.locator("#status").inner_text() == "已核定"

    # 6. The committee report shows the figures, in the table's order.
    coordinator.goto(f"{base}/cycles/periods/{police.period_id}/report/")
    report = coordinator.locator("main").inner_text()
    assert "結合社會處辦理受暴新住民保護宣導（113年3月5日、4月16日等12場）。" in report
    assert "宣導場次 12場" in report and "參與 1萬 2,000人次" in report
    assert "警察局" not in coordinator.locator("#missing").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    coordinator.screenshot(path=str(ARTIFACTS / "cycles-committee-report.png"), full_page=True)

    # 7. The audit log shows every step, by whom.
    coordinator.goto(f"{base}/cycles/submissions/{police.pk}/audit/")
    rows = coordinator.locator("#audit tbody tr").all_inner_texts()
    steps = [(r.split("\t")[1], r.split("\t")[2]) for r in rows]
    assert steps == [
        ("示範管考承辦人（民政處）", "建立"),
        ("示範填報人（警察局）", "儲存草稿"),
        ("示範填報人（警察局）", "送出"),
        ("示範管考承辦人（民政處）", "退回修正"),
        ("示範審查委員", "審查意見"),
        ("示範填報人（警察局）", "儲存草稿"),
        ("示範填報人（警察局）", "送出"),
        ("示範管考承辦人（民政處）", "核定"),
    ]
    audit = coordinator.locator("#audit").inner_text()
    assert "宣導成果.pdf" in audit and "請補充各場次的辦理日期。" in audit
    assert "狀態\n已送出" in audit and "狀態\n已核定" in audit
    coordinator.screenshot(path=str(ARTIFACTS / "cycles-audit.png"), full_page=True)
