"""The home page in a real browser (Debian Chromium through Playwright) on a phone screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.mark.django_db(transaction=True)
def test_home_page_on_a_phone(live_demo: Any, phone_page: Any) -> None:
    phone_page.goto(live_demo.url + "/")
    assert phone_page.locator("h1").inner_text() == "管考資料總覽"
    assert phone_page.get_by_text("基隆市新住民照顧服務業務分工一覽表（112.7 更新）").count() == 1
    # Nothing wider than the 360-px screen: no sideways scrolling on a phone.
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    ARTIFACTS.mkdir(exist_ok=True)
    phone_page.screenshot(path=str(ARTIFACTS / "home-360.png"), full_page=True)
