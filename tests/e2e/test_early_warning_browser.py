"""The early warning and a corrective action in a real browser, at 1280 px and at 360 px: the
coordinator reads the predicted lights with their rule in words, opens an action (a refused post
keeps what was typed), and the department's reporter follows it up next period. axe-core finds
no WCAG 2.1 AA violation on either page."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]
from django.contrib.auth.models import User

from guankao.core.accounts import membership_grant
from guankao.core.models import Agency, Jurisdiction, Role
from guankao.cycles.models import CorrectiveAction, CorrectiveActionUpdate, Submission
from guankao.performance.models import Measure
from tests.cycles.test_early_warning import open_period, report

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PASSWORD = "correct horse battery staple"


def sign_in(page: Any, base: str, username: str, next_path: str) -> None:
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}{next_path}")


def violations(page: Any) -> list[str]:
    return [v["id"] for v in Axe().run(page, options=WCAG_21_AA).response["violations"]]


@pytest.mark.django_db(transaction=True)
def test_early_warning_and_corrective_action_in_the_browser(
    live_demo: Any, browser: Any, phone_page: Any
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    social = Agency.objects.get(slug="hsinchu-social")
    coordinator = User.objects.create_user("ew-coord", password=PASSWORD)
    membership_grant(
        user=coordinator,
        role=Role.COORDINATOR,
        jurisdiction=Jurisdiction.objects.get(slug="hsinchu"),
        actor=None,
    )
    reporter = User.objects.create_user("ew-rep", password=PASSWORD)
    membership_grant(user=reporter, role=Role.REPORTER, agency=social, actor=None)
    red = Measure.objects.get(
        indicator__plan__department=social,
        indicator__plan__year=2019,
        indicator__plan__number=14,
        indicator__number=1,
    )
    q2 = open_period("108Q2")
    report(q2, reporter, share=Decimal("0.5"), overrides={red.pk: Decimal(1450)})
    base = live_demo.url

    # Desktop: the coordinator's list.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        path = f"/cycles/periods/{q2.pk}/early-warning/"
        sign_in(page, base, "ew-coord", path)
        row = page.locator(f"#m{red.pk}")
        assert row.locator("td.rule").inner_text() == "依第2季累計 25%，預估年底達成 50%"
        assert row.locator(".light").inner_text() == "■ 落後"
        assert page.locator("#early-warning tbody tr").count() == 1
        page.screenshot(path=str(ARTIFACTS / "early-warning-1280.png"), full_page=True)
        assert violations(page) == []
        link = row.locator("td.action a")
        assert link.text_content() == "提出改善措施：十四.1"  # the visible words and the row's
        link.click()

        # Opening an action: a refused post (a date that does not exist) keeps what was typed.
        page.fill("#id_what", "增聘社工2名，加速開案")
        page.fill("#id_who", "保護服務科")
        page.fill("#id_due", "108/13/40")
        page.get_by_role("button", name="提出", exact=True).click()
        summary = page.locator("#error-summary")
        assert summary.is_visible()
        assert summary.locator("a").first.get_attribute("href") == "#id_due"
        assert page.input_value("#id_what") == "增聘社工2名，加速開案"
        assert page.input_value("#id_due") == "108/13/40"
        assert not CorrectiveAction.objects.filter(measure=red).exists()
        assert violations(page) == []
        page.screenshot(path=str(ARTIFACTS / "corrective-action-refused-1280.png"), full_page=True)
        page.fill("#id_due", "108/09/30")
        page.get_by_role("button", name="提出", exact=True).click()
        assert page.get_by_text("已提出改善措施，將於後續各期追蹤至結案。").is_visible()
        assert CorrectiveAction.objects.get(measure=red).who == "保護服務科"
        page.goto(f"{base}{path}")
        assert "增聘社工2名，加速開案" in page.locator(f"#m{red.pk} td.action").inner_text()
    finally:
        context.close()

    # Next period, on a phone: the reporter sees the open action on the submission page and
    # writes this period's follow-up.
    q3 = open_period("108Q3")
    report(q3, reporter, share=Decimal("0.75"))
    submission = Submission.objects.get(period=q3)
    sign_in(phone_page, base, "ew-rep", f"/cycles/submissions/{submission.pk}/")
    actions = phone_page.locator("#corrective-actions")
    assert "增聘社工2名，加速開案" in actions.inner_text()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    assert violations(phone_page) == []
    link = actions.locator("a")
    assert link.text_content() == "填寫本期追蹤：兒童少年保護個案服務案次"
    link.click()
    phone_page.fill("#id_note", "已增聘1名，第2名甄選中")
    phone_page.get_by_role("button", name="記錄 108Q3 追蹤情形").click()
    assert phone_page.get_by_text("已記錄 108Q3 追蹤情形。").is_visible()
    assert CorrectiveActionUpdate.objects.get(action__measure=red).note == "已增聘1名，第2名甄選中"
    assert phone_page.locator("#open-action").get_by_text("已增聘1名，第2名甄選中").is_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    assert violations(phone_page) == []
    phone_page.screenshot(path=str(ARTIFACTS / "corrective-action-360.png"), full_page=True)

    # The coordinator's Q3 list on the phone: the action is still followed up (green now).
    phone_page.context.clear_cookies()
    sign_in(phone_page, base, "ew-coord", f"/cycles/periods/{q3.pk}/early-warning/")
    assert phone_page.locator(f"#m{red.pk} .light").inner_text() == "● 達標"
    assert "最近追蹤（108Q3）" in phone_page.locator(f"#m{red.pk} td.action").inner_text()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    assert violations(phone_page) == []
    phone_page.screenshot(path=str(ARTIFACTS / "early-warning-360.png"), full_page=True)
