"""The contact details and the hotlines' availability in Debian Chromium at 360 px: axe-core's
WCAG 2.1 AA checks, no sideways scrolling, screenshots to look at (decision 0078)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]

from guankao.directory.search import invalidation
from guankao.divisions.models import AgencyContact

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_contacts_and_hotlines_on_a_phone(live_demo: Any, phone_page: Any, settings: Any) -> None:
    settings.GUANKAO_DIRECTORY_NOW = "2026-12-02T10:00:00+08:00"  # a Wednesday morning
    AgencyContact.objects.filter(agency__slug="keelung-police").update(
        address="基隆市中正區（測試地址）",
        opening_hours="1-5 08:30-12:00,13:30-17:30",
        hours_note="國定假日休息",
        counter_languages="zh-hant,vi",
    )
    invalidation.bump()
    site = f"{live_demo.url}/directory/keelung/"
    axe = Axe()
    failures: dict[str, list[str]] = {}
    pages = {
        "police": "agencies/keelung-police/",
        "centre": "agencies/keelung-family-centre/",
        "home": "",
    }
    for code in ("vi", "zh-hant", "th"):
        for name, path in pages.items():
            phone_page.goto(f"{site}{path}?lang={code}")
            violations = axe.run(phone_page, options=WCAG_21_AA).response["violations"]
            if violations:
                failures[f"{code}/{name}"] = [v["id"] for v in violations]
            assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360, (code, name)
            ARTIFACTS.mkdir(exist_ok=True)
            phone_page.screenshot(
                path=str(ARTIFACTS / f"contacts-{name}-{code}-360.png"), full_page=True
            )
    assert failures == {}
    phone_page.goto(f"{site}agencies/keelung-police/?lang=zh-hant")
    assert phone_page.locator("dl.contact .address").inner_text() == "基隆市中正區（測試地址）"
    assert phone_page.locator("a.call .number").first.inner_text() == "(02)2425-2787"
    phone_page.goto(f"{site}?lang=zh-hant")
    status = phone_page.locator("li[data-hotline='1990'] .availability").first
    assert status.inner_text() == "現在可用中文"
