"""A 勘誤 walked in a real browser: a coordinator on a phone opens a correction of the published
108 report with its reason, fixes a figure, confirms the new revision; the public then reads the
dated notice, and revision 1 still downloads as it was first published."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]
from django.contrib.auth.models import User

from guankao.core.accounts import membership_grant
from guankao.core.models import Jurisdiction, Role
from guankao.performance.models import Measure, ReportRevisionFile
from guankao.performance.services import measure_update

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "correct horse battery staple"
REPORT = "/performance/hsinchu-social/108/"
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def coordinator_page(browser: Any, base: str, width: int) -> Any:
    user = User.objects.create_user(username=f"coordinator-{width}", password=PASSWORD)
    membership_grant(
        user=user,
        role=Role.COORDINATOR,
        jurisdiction=Jurisdiction.objects.get(slug="hsinchu"),
        actor=None,
    )
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="zh-TW")
    page = context.new_page()
    page.goto(f"{base}/accounts/login/?next={REPORT}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}{REPORT}")
    return page


def no_violations(page: Any) -> list[str]:
    results = Axe().run(page, options=WCAG_21_AA)
    return [v["id"] for v in results.response["violations"]]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [360, 1280])
def test_a_correction_from_reason_to_public_notice(
    live_demo: Any, browser: Any, width: int
) -> None:
    base = live_demo.url
    first_pdf = bytes(
        ReportRevisionFile.objects.get(
            revision__report__department__slug="hsinchu-social", revision__number=1, format="pdf"
        ).content
    )
    page = coordinator_page(browser, base, width)
    ARTIFACTS.mkdir(exist_ok=True)

    # 勘誤 asks for its reason on a confirmation page; an empty one is refused with a message.
    page.get_by_role("button", name="勘誤").click()
    assert "開啟勘誤後可修改本年度資料" in page.locator("main").inner_text()
    assert no_violations(page) == []
    page.screenshot(path=str(ARTIFACTS / f"correction-confirm-{width}.png"), full_page=True)
    page.locator("#id_reason").evaluate("e => e.removeAttribute('required')")
    page.get_by_role("button", name="確定勘誤").click()
    assert page.get_by_text("請寫明勘誤原因。").is_visible()
    page.fill("#id_reason", "八.5 身心障礙福利機構資源受益人次誤植")
    page.get_by_role("button", name="確定勘誤").click()
    page.wait_for_url(f"{base}{REPORT}")
    assert "勘誤中（原因：八.5 身心障礙福利機構資源受益人次誤植）" in page.inner_text("main")

    # The figure is fixed (as the plan editor does); the public still reads revision 1.
    measure = Measure.objects.select_related("indicator__plan__department").get(
        indicator__plan__department__slug="hsinchu-social",
        indicator__plan__number=8,
        indicator__number=5,
    )
    measure_update(measure=measure, data={"actual": Decimal(400)}, actor=None)
    public = browser.new_context(viewport={"width": width, "height": 800}).new_page()
    public.goto(base + REPORT)
    assert "受益 361人次" in public.inner_text("main")

    # 公開 asks first and lists what revision 2 will correct.
    page.reload()
    page.get_by_role("button", name="公開勘誤版").click()
    confirm = page.inner_text("main")
    assert "第 2 版將更正的內容" in confirm and "361 → 400" in confirm
    page.get_by_role("button", name="確定公開勘誤版").click()
    page.wait_for_url(f"{base}{REPORT}")
    assert page.get_by_text("勘誤版已公開。").is_visible()

    public.reload()
    text = public.inner_text("main")
    assert "勘誤：八.5 身心障礙福利機構資源受益人次誤植" in text
    assert "本報告於" in text and "受益 400人次" in text
    assert public.evaluate("document.documentElement.scrollWidth") <= width
    public.locator("details.revisions summary").click()
    assert no_violations(public) == []
    public.screenshot(path=str(ARTIFACTS / f"correction-public-{width}.png"), full_page=False)
    response = public.request.get(base + REPORT + "revisions/1/report.pdf")
    assert response.status == 200 and response.body() == first_pdf
    page.context.close()
    public.context.close()
