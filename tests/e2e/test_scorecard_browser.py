"""The scorecard and the public index in a real browser, on a phone and a desktop, without
signing in: lights readable without colour, charts with their numbers, axe-core clean."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [360, 1280])
def test_the_public_reads_the_scorecard(live_demo: Any, browser: Any, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-TW")
    page = context.new_page()
    page.goto(live_demo.url + "/performance/")
    assert "/login/" not in page.url
    page.get_by_role("link", name="績效燈號").first.click()
    page.wait_for_url("**/scorecard/")
    main = page.inner_text("main")
    assert "未達目標而無檢討 1 項（八.5）" in main
    # Each light has a word as well as a colour; each chart has its numbers in a table.
    assert "■ 落後" in main.replace("\xa0", " ") or "■落後" in main
    charts = page.locator("figure.document-figure svg[role=img]")
    assert charts.count() == 2
    assert "未達目標的衡量標準" in page.locator("figure.document-figure").nth(1).inner_text() or (
        page.locator("caption", has_text="未達目標的衡量標準").count() == 1
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    violations = Axe().run(page, options=WCAG_21_AA).response["violations"]
    assert [v["id"] for v in violations] == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"scorecard-{width}.png"), full_page=True)
    page.goto(live_demo.url + "/performance/")
    assert [v["id"] for v in Axe().run(page, options=WCAG_21_AA).response["violations"]] == []
    context.close()
