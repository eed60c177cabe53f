"""The city, national and indicator views in a real browser, on a phone and a desktop, without
signing in: reached from the index by clicking, tables that scroll inside their region rather
than the page, the chart with its numbers, axe-core clean."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]

from guankao.performance.synthetic import Sizes, load_country

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def _axe_clean(page: Any) -> None:
    violations = Axe().run(page, options=WCAG_21_AA).response["violations"]
    assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations] == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [360, 1280])
def test_the_public_walks_from_the_index_to_a_city_the_country_and_an_indicator(
    live_demo: Any, browser: Any, width: int
) -> None:
    load_country(sizes=Sizes(jurisdictions=3, years=2, departments=4, plans=4, indicators=3))
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-TW")
    page = context.new_page()
    ARTIFACTS.mkdir(exist_ok=True)

    page.goto(live_demo.url + "/performance/")
    page.get_by_role("link", name="113年度全國總覽：各縣市燈號與跨縣市指標比較").click()
    page.wait_for_url("**/performance/national/113/")
    main = page.inner_text("main")
    assert "3 個縣市" in main and "桃園市（模擬）" in main
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    _axe_clean(page)
    page.screenshot(path=str(ARTIFACTS / f"overview-national-{width}.png"), full_page=True)

    page.get_by_role("link", name="臺北市（模擬）").click()
    page.wait_for_url("**/performance/cities/sim-taipei/113/")
    table = page.locator("table.overview")
    assert table.locator("tbody tr").count() == 3  # the fourth department's 113 is a draft
    assert "合計" in table.locator("tfoot").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    _axe_clean(page)
    page.screenshot(path=str(ARTIFACTS / f"overview-city-{width}.png"), full_page=True)

    page.get_by_role("link", name="民政局").click()
    page.wait_for_url("**/sim-taipei-civil/113/scorecard/")
    assert "績效燈號" in page.inner_text("h1")

    page.goto(live_demo.url + "/performance/national/113/")
    page.get_by_role("link", name="跨縣市比較的指標").click()
    page.wait_for_url("**/performance/indicators/113/")
    _axe_clean(page)
    page.get_by_role("link", name="CIV-01-1", exact=False).first.click()
    page.wait_for_url("**/performance/indicators/CIV-01-1/113/")
    chart = page.locator("figure.document-figure svg[role=img]")
    assert chart.count() == 1
    assert "各縣市達成率" in chart.inner_html()
    rows = page.locator("table.overview tbody tr")
    assert rows.count() == 3
    assert "%" in rows.first.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    _axe_clean(page)
    page.screenshot(path=str(ARTIFACTS / f"overview-indicator-{width}.png"), full_page=True)
    context.close()
