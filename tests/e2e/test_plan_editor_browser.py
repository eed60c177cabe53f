"""The plan editor on a 360-px phone (issue 12, item 5; decision 0070): two rows edited are both
kept, a refused one keeps every value typed, leaving with unsaved rows asks first, the page
works without JavaScript, and axe-core finds no WCAG 2.1 AA violation."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]
from django.contrib.auth.models import User

from guankao.core.accounts import membership_grant
from guankao.core.models import Jurisdiction, Role
from guankao.performance.models import Measure, Plan
from tests.performance import factories

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "correct horse battery staple"
EDITOR = "/performance/hsinchu-social/108/plans/"
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def sign_in(page: Any, base: str) -> None:
    """A coordinator of 新竹市 (who may edit 社會處's plans) signs in and lands on the editor."""
    user = User.objects.create_user(username="yanko", password=PASSWORD)
    membership_grant(
        user=user,
        role=Role.COORDINATOR,
        jurisdiction=Jurisdiction.objects.get(slug="hsinchu"),
        actor=None,
    )
    page.goto(f"{base}/accounts/login/?next={EDITOR}")
    page.fill("#id_username", "yanko")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}{EDITOR}")


def seed_measure(plan: int, indicator: int) -> Measure:
    return Measure.objects.get(
        indicator__plan__department__slug="hsinchu-social",
        indicator__plan__number=plan,
        indicator__number=indicator,
        position=1,
    )


@pytest.fixture
def editor_site(live_demo: Any) -> str:
    """The demo, with a 勘誤 opened on the published 108 so that its plans may be edited."""
    factories.open_correction()
    return str(live_demo.url)


@pytest.mark.django_db(transaction=True)
def test_two_rows_edited_are_both_kept(editor_site: str, phone_page: Any) -> None:
    dialogs: list[str] = []

    def answer(dialog: Any) -> None:
        dialogs.append(dialog.type)
        dialog.dismiss()

    phone_page.on("dialog", answer)
    sign_in(phone_page, editor_site)
    measure = seed_measure(8, 5)
    plan = Plan.objects.get(department__slug="hsinchu-social", year=2019, number=3)
    measure_row = phone_page.locator(f"tr#m{measure.pk}")
    plan_row = phone_page.locator(f"tr[data-row='p{plan.pk}']")
    assert measure_row.get_by_text("未儲存").is_hidden()

    # Two rows typed in; both are marked as not saved yet. One value is refused (negative).
    measure_row.locator(f"input[name='m{measure.pk}-actual']").fill("-1")
    plan_row.locator(f"input[name='p{plan.pk}-executed_thousands']").fill("23456")
    assert measure_row.get_by_text("未儲存").is_visible()
    assert plan_row.get_by_text("未儲存").is_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    plan_row.get_by_role("button", name="儲存計畫").click()
    phone_page.wait_for_load_state()

    # Nothing saved; the summary links to the refused field; both values are still there.
    summary = phone_page.locator("#error-summary")
    assert summary.get_by_role("link").all_inner_texts() == [
        "衡量標準 8.5.1，實際值：實際值不可為負數。"
    ]
    phone_page.wait_for_function("document.activeElement.id === 'error-summary'")
    phone_page.locator(f"tr[data-row='p{plan.pk}'] input[name$='executed_thousands']").wait_for()
    assert phone_page.input_value(f"#id_p{plan.pk}-executed_thousands") == "23456"
    assert phone_page.input_value(f"#id_m{measure.pk}-actual") == "-1"
    assert phone_page.locator(f"tr[data-row='p{plan.pk}']").get_by_text("未儲存").is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    phone_page.screenshot(path=str(ARTIFACTS / "plan-editor-refused-360.png"), full_page=False)
    plan.refresh_from_db()
    assert plan.executed_thousands != 23456
    summary.get_by_role("link").click()
    assert phone_page.evaluate("document.activeElement.id") == f"id_m{measure.pk}-actual"

    # Corrected and saved: both rows at once, from the measure row's own button.
    phone_page.fill(f"#id_m{measure.pk}-actual", "440")
    phone_page.locator(f"tr#m{measure.pk}").get_by_role("button", name="儲存").click()
    phone_page.wait_for_url(f"**{EDITOR}#m{measure.pk}")
    assert phone_page.get_by_text("已儲存 2 項變更。").is_visible()
    phone_page.reload()
    assert phone_page.input_value(f"#id_m{measure.pk}-actual") == "440"
    assert phone_page.input_value(f"#id_p{plan.pk}-executed_thousands") == "23456"
    assert phone_page.locator("[data-unsaved-flag]:visible").count() == 0
    measure.refresh_from_db()
    plan.refresh_from_db()
    assert (measure.actual, plan.executed_thousands) == (Decimal(440), 23456)
    # Saving is not leaving: no question was asked on the way.
    assert dialogs == []


@pytest.mark.django_db(transaction=True)
def test_leaving_with_an_unsaved_row_asks_first(editor_site: str, phone_page: Any) -> None:
    sign_in(phone_page, editor_site)
    measure = seed_measure(1, 1)
    field = phone_page.locator(f"#id_m{measure.pk}-label")
    field.click()  # a real gesture: browsers ask before unloading only after one
    field.fill("改過但還沒儲存的說明")
    dialogs: list[str] = []

    def answer(dialog: Any) -> None:
        dialogs.append(dialog.type)
        dialog.dismiss()  # stay on the page

    # The dialog holds the click until it is answered: the list is filled when click returns.
    phone_page.on("dialog", answer)
    phone_page.locator(".crumbs a").first.click()
    assert dialogs == ["beforeunload"]
    assert phone_page.input_value(f"#id_m{measure.pk}-label") == "改過但還沒儲存的說明"
    assert phone_page.url.endswith(EDITOR)
    assert phone_page.locator(f"tr#m{measure.pk}").get_by_text("未儲存").is_visible()
    phone_page.locator(f"tr#m{measure.pk}").scroll_into_view_if_needed()
    phone_page.screenshot(path=str(ARTIFACTS / "plan-editor-unsaved-360.png"), full_page=False)

    # Typed back to what it was: nothing is unsaved, and the page leaves without asking.
    field.fill(measure.label)
    assert phone_page.locator(f"tr#m{measure.pk}").get_by_text("未儲存").is_hidden()
    phone_page.locator(".crumbs a").first.click()
    phone_page.wait_for_url("**/performance/")
    assert dialogs == ["beforeunload"]  # still the one question of before


@pytest.mark.django_db(transaction=True)
def test_two_rows_are_saved_without_javascript(editor_site: str, browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        sign_in(page, editor_site)
        first, second = seed_measure(1, 1), seed_measure(8, 5)
        page.fill(f"#id_m{first.pk}-label", "第一列改過")
        page.fill(f"#id_m{second.pk}-label", "第二列改過")
        page.locator(f"tr#m{second.pk}").get_by_role("button", name="儲存").click()
        page.wait_for_url(f"**{EDITOR}#m{second.pk}")
        assert page.get_by_text("已儲存 2 項變更。").is_visible()
        first.refresh_from_db()
        second.refresh_from_db()
        assert (first.label, second.label) == ("第一列改過", "第二列改過")
    finally:
        context.close()


@pytest.mark.django_db(transaction=True)
def test_the_editor_has_no_wcag_21_aa_violation(editor_site: str, phone_page: Any) -> None:
    sign_in(phone_page, editor_site)
    measure = seed_measure(8, 5)
    phone_page.fill(f"#id_m{measure.pk}-actual", "440")  # a row marked 未儲存
    results = Axe().run(phone_page, options=WCAG_21_AA)
    assert [v["id"] for v in results.response["violations"]] == []
    # And the page as a refused save shows it, with the error summary.
    phone_page.fill(f"#id_m{measure.pk}-actual", "-1")
    phone_page.get_by_role("button", name="儲存所有變更").first.click()
    phone_page.locator("#error-summary").wait_for()
    results = Axe().run(phone_page, options=WCAG_21_AA)
    assert [v["id"] for v in results.response["violations"]] == []
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    ARTIFACTS.mkdir(exist_ok=True)
    phone_page.screenshot(path=str(ARTIFACTS / "plan-editor-summary-360.png"), full_page=False)
