"""The public directory in a real browser (Debian Chromium) on a 360-px phone screen:
a Vietnamese question, tap-to-call links, no JavaScript needed, and axe-core's WCAG 2.1 AA
checks on every kind of page in all eleven languages, and the web fonts for the scripts a kiosk
may lack (Thai, Khmer, Burmese, Japanese, Korean) loaded and drawn."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]

from guankao.directory.languages import BY_CODE

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture
def directory_site(live_demo: Any) -> str:
    """The live server with the demo data (which includes the shipped translation drafts)."""
    return f"{live_demo.url}/directory/keelung/"


@pytest.mark.django_db(transaction=True)
def test_a_vietnamese_question_on_a_phone(directory_site: str, phone_page: Any) -> None:
    phone_page.goto(directory_site + "?lang=vi")
    phone_page.get_by_label("Bạn muốn hỏi gì?").fill("Tôi muốn thi nhập quốc tịch, đi đâu?")
    phone_page.get_by_role("button", name="Tìm kiếm").click()
    phone_page.wait_for_load_state()
    groups = phone_page.locator("section.results section.agency-group")
    names = [groups.nth(i).locator("h3").inner_text() for i in range(min(2, groups.count()))]
    assert "Sở Dân chính" in names
    civil = groups.nth(names.index("Sở Dân chính"))
    call = civil.locator("a[href^='tel:']").first
    assert call.get_attribute("href") == "tel:+886224201122,1632"
    assert call.is_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    ARTIFACTS.mkdir(exist_ok=True)
    phone_page.screenshot(path=str(ARTIFACTS / "directory-vi-360.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_search_works_without_javascript(directory_site: str, browser: Any) -> None:
    # No ?lang=: the page follows the browser's language (zh-TW → Traditional Chinese).
    context = browser.new_context(
        java_script_enabled=False, locale="zh-TW", viewport={"width": 360, "height": 740}
    )
    try:
        page = context.new_page()
        page.goto(directory_site)
        page.get_by_role("searchbox").fill("老公打我")
        page.get_by_role("button", name="搜尋").click()
        page.wait_for_load_state()
        calls = page.locator("main a[href^='tel:']")
        assert [calls.nth(i).get_attribute("href") for i in range(2)] == ["tel:113", "tel:110"]
        assert page.locator("section.results h3").first.inner_text() in {"社會處", "警察局"}
    finally:
        context.close()


@pytest.mark.django_db(transaction=True)
def test_no_wcag_21_aa_violation_in_any_language(directory_site: str, phone_page: Any) -> None:
    axe = Axe()
    pages = {
        "search": "",
        "results": "?q=%E5%81%A5%E4%BF%9D",  # 健保
        "violence": "?q=%E5%AE%B6%E6%9A%B4",  # 家暴
        "no-match": "?q=pizza",
        "area": "areas/personal-safety/",
        "agency": "agencies/keelung-social/",
    }
    failures: dict[str, list[str]] = {}
    for code in BY_CODE:
        for name, path in pages.items():
            separator = "&" if "?" in path else "?"
            phone_page.goto(f"{directory_site}{path}{separator}lang={code}")
            assert phone_page.evaluate("document.documentElement.lang") == code
            results = axe.run(phone_page, options=WCAG_21_AA)
            violations = results.response["violations"]
            if violations:
                failures[f"{code}/{name}"] = [v["id"] for v in violations]
            assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360, (code, name)
    assert failures == {}


# The faces each page language should load (decision 0079): its own script's face, and the
# switcher's name faces; Chinese pages load only the name faces.
NAME_FACES = {f"names-{script}.woff2" for script in ("thai", "khmer", "myanmar", "jp", "kr")}
OWN_FACES = {
    "th": {"noto-sans-thai.woff2", "noto-sans-thai-bold.woff2"},
    "km": {"noto-sans-khmer.woff2", "noto-sans-khmer-bold.woff2"},
    "my": {"noto-sans-myanmar.woff2", "noto-sans-myanmar-bold.woff2"},
    "ja": {"noto-sans-jp-guankao.woff2"},
    "ko": {"noto-sans-kr-guankao.woff2"},
    "zh-hant": set(),
}
LOADED_FONTS = """() => document.fonts.ready.then(() => performance.getEntriesByType("resource")
    .filter((e) => e.name.endsWith(".woff2")).map((e) => e.name.split("/").pop()))"""


@pytest.mark.django_db(transaction=True)
def test_each_script_loads_its_own_web_font_at_360_px(directory_site: str, browser: Any) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    loaded: dict[str, set[str]] = {}
    for code in OWN_FACES:
        # A fresh context per language: no font comes from an earlier page's cache.
        context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2)
        try:
            page = context.new_page()
            failed: list[str] = []
            page.on("requestfailed", lambda request, failed=failed: failed.append(request.url))
            page.goto(f"{directory_site}?q=%E5%81%A5%E4%BF%9D&lang={code}")  # 健保
            loaded[code] = set(page.evaluate(LOADED_FONTS))
            assert failed == [], code
            families = page.evaluate(
                "() => [...document.fonts].filter((f) => f.status === 'loaded').map((f) => f.family)"
            )
            assert "guankao names" in {family.strip('"') for family in families}, code
            page.screenshot(path=str(ARTIFACTS / f"directory-{code}-360.png"), full_page=True)
        finally:
            context.close()
    assert loaded == {code: faces | NAME_FACES for code, faces in OWN_FACES.items()}
