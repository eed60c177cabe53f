"""Everyday questions and the weak answer in Debian Chromium at 360 px (decision 0080):
axe-core's WCAG 2.1 AA checks, no sideways scrolling, screenshots to look at."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUESTIONS = {
    "zh-hant": "我兒子很晚才會走路",
    "vi": "chồng đuổi tôi ra khỏi nhà",
    "ja": "子どもの言葉が遅い",
    "ko": "작은 식당을 차리고 싶어요",
    "my": "ကလေး လမ်းမလျှောက်နိုင်သေးဘူး",
}


def test_everyday_and_weak_answers_on_a_phone(
    live_demo: Any, phone_page: Any, settings: Any
) -> None:
    settings.GUANKAO_DIRECTORY_NOW = "2026-12-02T10:00:00+08:00"  # a Wednesday morning
    site = f"{live_demo.url}/directory/keelung/"
    axe = Axe()
    failures: dict[str, list[str]] = {}
    ARTIFACTS.mkdir(exist_ok=True)
    for code, question in QUESTIONS.items():
        for name, query in (("answer", question), ("weak", "qwxz 😀")):
            phone_page.goto(site, wait_until="load")
            phone_page.goto(f"{site}?lang={code}")
            phone_page.fill("#q", query)
            phone_page.click("form.search button[type=submit]")
            phone_page.wait_for_load_state()
            violations = axe.run(phone_page, options=WCAG_21_AA).response["violations"]
            if violations:
                failures[f"{code}/{name}"] = [v["id"] for v in violations]
            assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360, (code, name)
            phone_page.screenshot(
                path=str(ARTIFACTS / f"search-{name}-{code}-360.png"), full_page=True
            )
            weak = phone_page.locator("section.no-match").count()
            if name == "weak":
                assert weak == 1 and phone_page.locator("section.closest a").count() >= 1
            else:
                assert weak == 0 and phone_page.locator("section.results a.call").count() >= 1
    assert failures == {}
    # On a Wednesday morning 1990 answers in Vietnamese: it comes first on the weak page.
    phone_page.goto(f"{site}?lang=vi&q=qwxz")
    first = phone_page.locator("section.no-match li[data-hotline]").first
    assert first.get_attribute("data-hotline") == "1990"
