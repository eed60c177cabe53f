"""Nothing typed is lost, in a real browser at 360 px (Debian Chromium through Playwright).

(a) a refused attachment keeps the reporter's text and the error summary takes focus; (b) a
session that ended while the reporter typed (its row deleted on the server) keeps the text: the
sign-in comes back to the page and the browser's copy is put back; the idle warning's
「繼續使用」 keeps the session; (c) 核定 asks first. axe-core finds no WCAG 2.1 AA violation on
the pages changed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]
from django.contrib.sessions.models import Session

from guankao.cycles.demo import load_demo as load_cycles_demo
from guankao.cycles.models import Submission, SubmissionStatus
from guankao.cycles.selectors import submission_whole
from tests.cycles.conftest import fill_and_submit
from tests.cycles.files import EXE, pdf_bytes

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
TEXTS = [
    "結合社會處辦理受暴新住民保護宣導，共12場。",
    "辦理家暴防治教育訓練，並請通譯協助。",
    "落實單一通報窗口，113年上半年受理8案。",
]


def phone(browser: Any) -> Any:
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, device_scale_factor=2, locale="zh-TW"
    )
    return context.new_page()


def sign_in(page: Any, username: str, password: str) -> None:
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="登入").click()


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"kept-input-{name}.png"), full_page=True)


def no_violations(page: Any) -> list[str]:
    results = Axe().run(page, options=WCAG_21_AA)
    return [v["id"] for v in results.response["violations"]]


def fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth") <= 360)


@pytest.fixture
def site(live_demo: Any, settings: Any, tmp_path: Path) -> tuple[str, dict[str, str], Submission]:
    settings.MEDIA_ROOT = tmp_path
    passwords = {username: password for _role, username, password in load_cycles_demo(actor=None)}
    police = Submission.objects.get(period__code="113H1", agency__slug="keelung-police")
    return live_demo.url, passwords, police


def type_everything(page: Any, police: Submission) -> list[int]:
    entries = [e.pk for e in submission_whole(police.pk).task_entries.all()]
    for pk, text in zip(entries, TEXTS, strict=True):
        page.fill(f"#id_t{pk}-narrative", text)
    page.fill(f"#id_t{entries[0]}-fig-0-label", "宣導場次")
    page.fill(f"#id_t{entries[0]}-fig-0-value", "12")
    page.fill(f"#id_t{entries[0]}-fig-0-unit", "場")
    return entries


def assert_text_kept(page: Any, entries: list[int]) -> None:
    for pk, text in zip(entries, TEXTS, strict=True):
        assert page.input_value(f"#id_t{pk}-narrative") == text
    assert page.input_value(f"#id_t{entries[0]}-fig-0-value") == "12"
    assert page.input_value(f"#id_t{entries[0]}-fig-0-unit") == "場"


@pytest.mark.django_db(transaction=True)
def test_a_refused_attachment_keeps_the_reporters_text(
    site: tuple[str, dict[str, str], Submission], browser: Any, tmp_path: Path
) -> None:
    base, passwords, police = site
    bad = tmp_path / "宣導成果.exe"
    bad.write_bytes(EXE)
    good = tmp_path / "成果報告.pdf"
    good.write_bytes(pdf_bytes())
    page = phone(browser)
    try:
        page.goto(f"{base}/cycles/submissions/{police.pk}/edit/")
        sign_in(page, "demo-reporter-police", passwords["demo-reporter-police"])
        page.wait_for_url(f"{base}/cycles/submissions/{police.pk}/edit/")
        entries = type_everything(page, police)
        page.set_input_files(f"#id_t{entries[0]}-new_files", [str(bad), str(good)])
        page.get_by_role("button", name="儲存草稿").click()
        page.wait_for_selector("#error-summary")
        page.wait_for_function("document.activeElement.id === 'error-summary'")
        summary = page.locator("#error-summary")
        assert summary.locator("h2").inner_text() == "有 2 個問題需要處理"
        lines = summary.locator("li").all_inner_texts()
        assert lines == [
            "第1項 新增附件：請重新選擇檔案：宣導成果.exe（不接受這種檔案）",
            "第1項 新增附件：請重新選擇檔案：成果報告.pdf（檔案無誤，但這次沒有儲存）",
        ]
        assert_text_kept(page, entries)
        assert fits(page)
        shot(page, "refused-attachment")
        assert no_violations(page) == []
        # The summary's link takes the reporter to the file field itself.
        summary.get_by_role("link").first.click()
        assert page.evaluate("document.activeElement.id") == f"id_t{entries[0]}-new_files"
        # Choosing the good file again saves everything, text included.
        page.set_input_files(f"#id_t{entries[0]}-new_files", str(good))
        page.get_by_role("button", name="儲存草稿").click()
        assert "草稿已儲存（第 2 版）" in page.locator("div[role=status]").inner_text()
        stored = submission_whole(police.pk)
        assert [e.narrative for e in stored.task_entries.all()] == TEXTS
        assert [a.original_name for a in stored.task_entries.all()[0].attachments.all()] == [
            "成果報告.pdf"
        ]
    finally:
        page.context.close()


@pytest.mark.django_db(transaction=True)
def test_an_expired_session_keeps_the_reporters_text(
    site: tuple[str, dict[str, str], Submission], browser: Any
) -> None:
    base, passwords, police = site
    edit = f"{base}/cycles/submissions/{police.pk}/edit/"
    page = phone(browser)
    try:
        page.goto(edit)
        sign_in(page, "demo-reporter-police", passwords["demo-reporter-police"])
        page.wait_for_url(edit)
        entries = type_everything(page, police)
        # The session ends on the server while the reporter types.
        Session.objects.all().delete()
        page.get_by_role("button", name="儲存草稿").click()
        page.wait_for_url(lambda url: "/login/" in url and "next=" in url)
        assert "登入後會回到您原本的頁面" in page.locator("main").inner_text()
        shot(page, "signed-out")
        assert no_violations(page) == []
        sign_in(page, "demo-reporter-police", passwords["demo-reporter-police"])
        page.wait_for_url(edit)
        notice = page.locator("#draft-notice")
        notice.wait_for(state="visible")
        assert "已還原您尚未儲存的內容" in notice.inner_text()
        assert_text_kept(page, entries)
        assert fits(page)
        shot(page, "restored")
        assert no_violations(page) == []
        # Nothing was saved while signed out; saving now keeps it and drops the browser copy.
        assert [e.narrative for e in submission_whole(police.pk).task_entries.all()] == [""] * 3
        key = page.get_attribute("#submission-form", "data-draft-key")
        assert page.evaluate("k => localStorage.getItem(k) !== null", key)
        page.get_by_role("button", name="儲存草稿").click()
        assert "草稿已儲存（第 2 版）" in page.locator("div[role=status]").inner_text()
        assert page.evaluate("k => localStorage.getItem(k)", key) is None
        assert [e.narrative for e in submission_whole(police.pk).task_entries.all()] == TEXTS
        assert page.locator("#draft-notice").is_hidden()
    finally:
        page.context.close()


@pytest.mark.django_db(transaction=True)
def test_a_restored_copy_can_be_discarded(
    site: tuple[str, dict[str, str], Submission], browser: Any
) -> None:
    base, passwords, police = site
    edit = f"{base}/cycles/submissions/{police.pk}/edit/"
    page = phone(browser)
    try:
        page.goto(edit)
        sign_in(page, "demo-reporter-police", passwords["demo-reporter-police"])
        page.wait_for_url(edit)
        entries = type_everything(page, police)
        page.goto(edit)  # left without saving, e.g. the tab was closed
        page.locator("#draft-notice").wait_for(state="visible")
        assert_text_kept(page, entries)
        page.get_by_role("button", name="捨棄還原的內容").click()
        assert page.input_value(f"#id_t{entries[0]}-narrative") == ""
        assert page.locator("#draft-notice").is_hidden()
        page.goto(edit)
        assert page.locator("#draft-notice").is_hidden()
        assert page.input_value(f"#id_t{entries[0]}-narrative") == ""
    finally:
        page.context.close()


@pytest.mark.django_db(transaction=True)
def test_the_idle_warning_keeps_the_session(
    site: tuple[str, dict[str, str], Submission], browser: Any
) -> None:
    base, passwords, police = site
    edit = f"{base}/cycles/submissions/{police.pk}/edit/"
    page = phone(browser)
    try:
        page.clock.install()
        page.goto(edit)
        sign_in(page, "demo-reporter-police", passwords["demo-reporter-police"])
        page.wait_for_url(edit)
        banner = page.locator("#idle-warning")
        assert banner.is_hidden()
        page.clock.run_for("26:00")  # 30 minutes idle, warned 5 minutes before
        banner.wait_for(state="visible")
        assert "再過幾分鐘就會自動登出" in banner.inner_text()
        shot(page, "idle-warning")
        assert no_violations(page) == []
        with page.expect_response("**/accounts/keep-alive/") as answer:
            page.get_by_role("button", name="繼續使用").click()
        assert answer.value.status == 200
        banner.wait_for(state="hidden")
    finally:
        page.context.close()


@pytest.mark.django_db(transaction=True)
def test_approving_asks_first(site: tuple[str, dict[str, str], Submission], browser: Any) -> None:
    base, passwords, police = site
    from django.contrib.auth.models import User

    sent = fill_and_submit(police, User.objects.get(username="demo-reporter-police"))
    page = phone(browser)
    try:
        page.goto(f"{base}/cycles/submissions/{police.pk}/")
        sign_in(page, "demo-coordinator", passwords["demo-coordinator"])
        page.wait_for_url(f"{base}/cycles/submissions/{police.pk}/")
        page.get_by_role("button", name="核定", exact=True).click()
        page.wait_for_url(lambda url: f"/submissions/{police.pk}/approve/?version=" in url)
        assert page.locator("h1").inner_text() == "確定要核定警察局 113H1 的填報嗎？"
        locks = page.locator("#locks > li").all_inner_texts()
        assert locks[0].startswith(f"這份填報（第 {sent.version} 版）的辦理情形、數據與附件即鎖定")
        assert locks[1] == "辦理情形與數據列入 113H1 的委員會報告。"
        assert Submission.objects.get(pk=police.pk).status == SubmissionStatus.SUBMITTED
        assert fits(page)
        shot(page, "approve-confirm")
        assert no_violations(page) == []
        page.get_by_role("link", name="返回，不核定").click()
        page.wait_for_url(f"{base}/cycles/submissions/{police.pk}/")
        assert Submission.objects.get(pk=police.pk).status == SubmissionStatus.SUBMITTED
        page.get_by_role("button", name="核定", exact=True).click()
        page.get_by_role("button", name="確定核定").click()
        assert "已核定，資料已鎖定。" in page.locator("div[role=status]").inner_text()
        assert page.locator("#status").inner_text() == "已核定"
        assert Submission.objects.get(pk=police.pk).status == SubmissionStatus.APPROVED
    finally:
        page.context.close()
