"""A staff member edits the performance plans in a real browser, sees the rule flags and downloads
the PDF; the public reads the published report on a phone."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from guankao.core.accounts import membership_grant
from guankao.core.models import Jurisdiction, Role
from guankao.performance.models import Measure

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "correct horse battery staple"


def sign_in(page: Any, base: str, next_path: str) -> None:
    user = User.objects.create_user(username="yanko", password=PASSWORD)
    # A coordinator of 新竹市 may edit 社會處's plans (docs/roles.md).
    membership_grant(
        user=user,
        role=Role.COORDINATOR,
        jurisdiction=Jurisdiction.objects.get(slug="hsinchu"),
        actor=None,
    )
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.fill("#id_username", "yanko")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}{next_path}")


@pytest.mark.django_db(transaction=True)
def test_staff_edits_a_measure_sees_flags_and_downloads_the_pdf(
    live_demo: Any, browser: Any, tmp_path: Path
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    base = live_demo.url
    sign_in(page, base, "/performance/hsinchu-social/108/")
    # The 108 report is published: a correction (勘誤) with its reason opens it for editing.
    page.get_by_role("button", name="勘誤").click()
    page.fill("#id_reason", "八.5 實際值更正")
    page.get_by_role("button", name="確定勘誤").click()
    page.wait_for_url(f"{base}/performance/hsinchu-social/108/")
    page.goto(f"{base}/performance/hsinchu-social/108/plans/")
    measure = Measure.objects.get(
        indicator__plan__department__slug="hsinchu-social",
        indicator__plan__number=8,
        indicator__number=5,
    )
    row = page.locator(f"tr#m{measure.pk}")
    assert row.locator(".flag.shortfall").inner_text() == "未達目標"
    assert row.locator(".flag.ratio").inner_text() == "84%"

    # A negative actual (the number input lets it through): a form error, nothing saved.
    row.locator(f"input[name='m{measure.pk}-actual']").fill("-1")
    row.get_by_role("button", name="儲存").click()
    error_row = page.locator(f"tr#m{measure.pk}")
    assert error_row.locator(".errorlist").inner_text() == "實際值不可為負數。"
    assert page.get_by_text("資料未儲存，請修正標示的欄位。").is_visible()
    measure.refresh_from_db()
    assert measure.actual == 361

    # A real value: saved, and the flags follow the rule.
    error_row.locator(f"input[name='m{measure.pk}-actual']").fill("440")
    error_row.get_by_role("button", name="儲存").click()
    page.wait_for_url(f"**/plans/#m{measure.pk}")
    assert page.get_by_text("已儲存 1 項變更。").is_visible()  # the whole page is one form (0070)
    saved = page.locator(f"tr#m{measure.pk}")
    assert saved.locator(".flag.shortfall").count() == 0
    assert saved.locator(".flag.ratio").inner_text() == "102%"
    measure.refresh_from_db()
    assert measure.actual == 440

    # The reviewer view flags the target that looks too low (1,500 → 8,165).
    page.goto(f"{base}/performance/hsinchu-social/108/review/")
    low = page.locator("#low-targets")
    assert "家庭福利諮詢、關懷訪視及個案管理受益人次" in low.inner_text()
    assert "8,165人次" in low.inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "performance-review.png"), full_page=True)

    # The report page offers each format; the PDF embeds a Traditional Chinese font.
    page.goto(f"{base}/performance/hsinchu-social/108/")
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF", exact=True).click()
    path = tmp_path / "report.pdf"
    download.value.save_as(path)
    assert download.value.suggested_filename == "新竹市政府社會處108年度施政績效報告.pdf"
    assert path.read_bytes().startswith(b"%PDF-")
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    assert "NotoSansCJKtc-Regular" in fonts.stdout
    text = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip
    assert "440人次" in text.replace("\n", "")  # staff read the correction being made
    context.close()


@pytest.mark.django_db(transaction=True)
def test_the_public_reads_the_published_report_on_a_phone(live_demo: Any, phone_page: Any) -> None:
    phone_page.goto(live_demo.url + "/performance/hsinchu-social/108/")
    assert phone_page.locator("h1").inner_text() == "新竹市政府社會處108年度施政績效報告"
    assert phone_page.get_by_role("link", name="ODT").is_visible()
    # The seven-column table scrolls inside its box; the page itself does not scroll sideways.
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    assert phone_page.locator("text=目標可能偏低").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    phone_page.screenshot(path=str(ARTIFACTS / "performance-report-360.png"), full_page=False)
