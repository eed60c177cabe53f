"""The quick exit in a real browser at 360 px (issue 15, item 3; decision 0076): the button
and Shift pressed three times leave for the neutral page, and Back does not return to the
answer. The neutral site is answered locally (the test machine has no internet)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]

from guankao.directory.views import QUICK_EXIT_URL

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
NEUTRAL = "<!DOCTYPE html><html lang='zh-Hant'><title>Google</title><h1>Google</h1></html>"
QUESTION = "老公打我"


@pytest.fixture
def site(live_demo: Any, phone_page: Any) -> str:
    phone_page.route(
        QUICK_EXIT_URL + "**",
        lambda route: route.fulfill(status=200, content_type="text/html", body=NEUTRAL),
    )
    return f"{live_demo.url}/directory/keelung/"


def _answer(page: Any, site: str, lang: str = "zh-hant") -> None:
    page.goto(site + f"?lang={lang}")  # where the person came from
    page.goto(site + f"?q={quote(QUESTION)}&lang={lang}")
    assert page.locator("section.urgent").is_visible()


@pytest.mark.django_db(transaction=True)
def test_the_button_leaves_and_back_does_not_return(site: str, phone_page: Any) -> None:
    _answer(phone_page, site)
    button = phone_page.get_by_role("link", name="快速離開")
    assert button.is_visible()
    box = button.bounding_box()
    assert box["y"] < 100 and box["height"] >= 44  # at the top, big enough to hit
    ARTIFACTS.mkdir(exist_ok=True)
    phone_page.screenshot(path=str(ARTIFACTS / "quick-exit-violence-360.png"))
    button.click()
    phone_page.wait_for_url(QUICK_EXIT_URL)
    assert phone_page.title() == "Google"
    phone_page.go_back()
    phone_page.wait_for_load_state()
    # The answer was replaced in the history: Back lands on the page before it.
    assert "q=" not in phone_page.url
    assert not phone_page.locator("section.urgent").count()


@pytest.mark.django_db(transaction=True)
def test_shift_three_times_leaves(site: str, phone_page: Any) -> None:
    _answer(phone_page, site, lang="vi")
    assert phone_page.get_by_role("link", name="Thoát nhanh").is_visible()
    phone_page.keyboard.press("Shift")
    phone_page.keyboard.press("Shift")
    assert "q=" in phone_page.url  # two presses are not enough
    phone_page.keyboard.press("Shift")
    phone_page.wait_for_url(QUICK_EXIT_URL)
    phone_page.go_back()
    phone_page.wait_for_load_state()
    assert "q=" not in phone_page.url


@pytest.mark.django_db(transaction=True)
def test_other_keys_between_shifts_reset_the_count(site: str, phone_page: Any) -> None:
    _answer(phone_page, site)
    for key in ["Shift", "Shift", "a", "Shift"]:
        phone_page.keyboard.press(key)
    phone_page.wait_for_timeout(300)  # a navigation would have started by now
    assert "q=" in phone_page.url


@pytest.mark.django_db(transaction=True)
def test_without_javascript_the_exit_is_a_plain_link(live_demo: Any, browser: Any) -> None:
    context = browser.new_context(
        java_script_enabled=False, locale="zh-TW", viewport={"width": 360, "height": 740}
    )
    try:
        page = context.new_page()
        page.route(
            QUICK_EXIT_URL + "**",
            lambda route: route.fulfill(status=200, content_type="text/html", body=NEUTRAL),
        )
        page.goto(f"{live_demo.url}/directory/keelung/?q={quote(QUESTION)}")
        page.get_by_role("link", name="快速離開").click()
        page.wait_for_url(QUICK_EXIT_URL)
        assert page.title() == "Google"
    finally:
        context.close()


@pytest.mark.django_db(transaction=True)
def test_pages_with_the_exit_have_no_wcag_violation(site: str, phone_page: Any) -> None:
    axe = Axe()
    failures: dict[str, list[str]] = {}
    ARTIFACTS.mkdir(exist_ok=True)
    for url in [
        site + f"?q={quote(QUESTION)}&lang=th",
        site + "areas/personal-safety/?lang=my",
        site + "agencies/keelung-education/?lang=en",
        site.rsplit("keelung/", 1)[0] + "?lang=km",
        site + "agencies/nope/?lang=vi",
    ]:
        phone_page.goto(url)
        violations = axe.run(phone_page, options=WCAG_21_AA).response["violations"]
        if violations:
            failures[url] = [v["id"] for v in violations]
        assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360, url
    phone_page.screenshot(path=str(ARTIFACTS / "not-found-vi-360.png"), full_page=True)
    phone_page.goto(site + "agencies/keelung-education/?lang=en")
    phone_page.screenshot(path=str(ARTIFACTS / "agency-internal-tasks-en-360.png"), full_page=True)
    assert failures == {}
