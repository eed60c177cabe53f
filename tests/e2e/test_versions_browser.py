"""A new table version in a real browser on a 360-px phone screen (issue 12): the coordinator
uploads 114.3, reads only the real differences, saves a draft, and publishes it through the
confirmation step that says what becomes public and when; the public directory then shows the
new phone, and not before."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from guankao.cycles.demo import load_demo as load_cycles_demo
from tests.divisions.test_versions import NEW_PHONE, OLD_PHONE, table_file

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def phone_signed_in(browser: Any, base: str, username: str, password: str) -> Any:
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, device_scale_factor=2, locale="zh-TW"
    )
    page = context.new_page()
    page.goto(base + "/imports/division/")
    assert "/login/" in page.url
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="登入").click()
    page.wait_for_url(base + "/imports/division/")
    return page


def fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth") <= 360)


@pytest.mark.django_db(transaction=True)
def test_preview_save_and_confirmed_publication_at_360_px(
    live_demo: Any, browser: Any, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    passwords = {username: password for _role, username, password in load_cycles_demo(actor=None)}
    base = live_demo.url
    path = table_file(tmp_path)
    ARTIFACTS.mkdir(exist_ok=True)

    page = phone_signed_in(browser, base, "demo-coordinator", passwords["demo-coordinator"])
    page.select_option("#id_jurisdiction", "keelung")
    page.fill("#id_version", "114.3")
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="讀取並預覽").click()
    page.wait_for_load_state()

    # The preview: one phone change and one changed text, not 53 「新增」 lines.
    assert " ".join(page.locator("p.diff-counts").inner_text().split()) == (
        "與 112.7 版相比：機關名稱或電話變更 1 個、新增 0 項、刪除 0 項、修改 1 項、未變 52 項。"
    )
    assert page.locator("ul.contacts li").all_inner_texts() == [
        f"警察局：電話 {OLD_PHONE} → {NEW_PHONE}"
    ]
    assert page.locator("ul.changed ins").all_inner_texts() == ["及輔導"]
    assert page.locator("p.diff-outdated").is_visible()
    assert not page.locator("details.writes").evaluate("d => d.open")  # the writes stay folded
    assert fits(page)
    page.screenshot(path=str(ARTIFACTS / "versions-preview-360.png"), full_page=True)
    page.locator("div.table-diff").screenshot(path=str(ARTIFACTS / "versions-preview-diff-360.png"))
    page.get_by_role("button", name="確認儲存").click()
    page.wait_for_url(base + "/directory/staff/")
    assert "這是草稿版本" in page.locator("main").inner_text()

    # Still the old phone in public while 114.3 is a draft.
    public = browser.new_page(viewport={"width": 360, "height": 740})
    public.goto(base + "/directory/keelung/agencies/keelung-police/")
    assert OLD_PHONE in public.locator("main").inner_text()

    page.get_by_role("link", name="公開…").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="下一步：確認").click()  # the day left empty: today
    page.wait_for_load_state()
    confirm = page.locator("section.confirm")
    what = " ".join(confirm.locator("p.confirm-what").inner_text().split())
    assert what.startswith("114.3 版將於 ") and "起在公開的服務導覽" in what
    assert "屆時 112.7 版不再顯示" in what
    assert fits(page)
    page.screenshot(path=str(ARTIFACTS / "versions-publish-confirm-360.png"), full_page=True)
    confirm.screenshot(path=str(ARTIFACTS / "versions-publish-confirm-step-360.png"))
    public.reload()
    assert NEW_PHONE not in public.locator("main").inner_text()  # not before the confirmation
    confirm.get_by_role("button", name="確認公開").click()
    page.wait_for_url(base + "/directory/staff/")
    assert "114.3 版將於" in page.locator("main").inner_text()

    public.reload()
    text = public.locator("main").inner_text()
    assert NEW_PHONE in text and OLD_PHONE not in text
    public.close()
    page.context.close()
