"""Nothing typed is lost: a refused submit shows back what was posted, with an error summary
that links to each field; a post that arrives after the session ended is given back after the
sign-in; 核定 asks first and says what becomes locked (issue 12, items 5 and 6)."""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from lxml import html  # type: ignore[import-untyped]

from guankao.core.accounts import membership_grant, user_ensure
from guankao.core.models import AuditEntry, Role
from guankao.core.session_limits import KEPT_POST, SEEN
from guankao.cycles import services
from guankao.cycles.models import Submission, SubmissionStatus
from guankao.cycles.selectors import submission_whole
from guankao.cycles.state import Transition
from guankao.cycles.uploads import MAX_FILES_PER_ENTRY
from tests.cycles.conftest import Demo, fill_and_submit
from tests.cycles.files import EXE, pdf_bytes, png_bytes, upload
from tests.cycles.test_services import _hsinchu_period
from tests.cycles.test_views import POLICE, form_data, state

pytestmark = pytest.mark.django_db

ClientFor = Callable[[str | None], Client]
NARRATIVES = [
    "結合社會處辦理受暴新住民保護宣導，共12場。",
    "辦理家暴防治教育訓練，並請通譯協助。",
    "落實單一通報窗口，113年上半年受理8案。",
]


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def typed(submission: Submission) -> dict[str, Any]:
    """A whole page typed by the reporter: three narratives, figures, a lag with its reason."""
    entries = list(submission_whole(submission.pk).task_entries.all())
    data: dict[str, Any] = {}
    for entry, text in zip(entries, NARRATIVES, strict=True):
        data[f"t{entry.pk}-narrative"] = text
    first, second = entries[0].pk, entries[1].pk
    data |= {
        f"t{first}-fig-0-label": "宣導場次",
        f"t{first}-fig-0-value": "12",
        f"t{first}-fig-0-unit": "場",
        f"t{first}-fig-1-label": "參與",
        f"t{first}-fig-1-value": "1萬 2,000",
        f"t{first}-fig-1-unit": "人次",
        f"t{second}-behind": "on",
        f"t{second}-behind_reason": "通譯人力不足，下半年增聘。",
    }
    return form_data(submission, **data)


def page_of(response: Any) -> Any:
    return html.fromstring(response.content.decode())


def value_of(page: Any, field_id: str) -> str:
    (element,) = page.xpath(f'//*[@id="{field_id}"]')
    return str(element.text or "") if element.tag == "textarea" else str(element.get("value", ""))


def summary(page: Any) -> tuple[str, list[tuple[str, str]]]:
    """The error summary's title, and each line as (link target, text)."""
    (box,) = page.xpath('//*[@id="error-summary"]')
    assert box.get("role") == "alert" and box.get("tabindex") == "-1"
    title = box.xpath("string(.//h2)").strip()
    lines = []
    for item in box.xpath(".//li"):
        links = item.xpath("./a")
        lines.append((links[0].get("href") if links else "", item.text_content().strip()))
    return title, lines


def assert_typed_text_shown(page: Any, police: Submission) -> None:
    entries = list(submission_whole(police.pk).task_entries.all())
    for entry, text in zip(entries, NARRATIVES, strict=True):
        assert value_of(page, f"id_t{entry.pk}-narrative").strip() == text
    first, second = entries[0].pk, entries[1].pk
    assert value_of(page, f"id_t{first}-fig-0-label") == "宣導場次"
    assert value_of(page, f"id_t{first}-fig-0-value") == "12"
    assert value_of(page, f"id_t{first}-fig-1-value") == "1萬 2,000"
    assert value_of(page, f"id_t{first}-fig-1-unit") == "人次"
    assert page.xpath(f'//*[@id="id_t{second}-behind"]')[0].get("checked") is not None
    assert value_of(page, f"id_t{second}-behind_reason").strip() == "通譯人力不足，下半年增聘。"


# --- item 2: a refused submit shows back what was posted ------------------------------------


def test_a_refused_attachment_keeps_every_narrative_and_figure(
    demo: Demo, client_for: ClientFor, media: Path
) -> None:
    police = demo.submission(POLICE)
    entries = list(submission_whole(police.pk).task_entries.all())
    before = state(police)
    data = typed(police)
    data[f"t{entries[0].pk}-new_files"] = [
        upload("宣導成果.exe", EXE),
        upload("活動照片.png", png_bytes()),
    ]
    response = client_for("demo-reporter-police").post(
        reverse("cycles:submission_edit", args=[police.pk]), data
    )
    assert response.status_code == 400
    page = page_of(response)
    assert_typed_text_shown(page, police)
    title, lines = summary(page)
    assert title == "有 2 個問題需要處理"
    files_id = f"#id_t{entries[0].pk}-new_files"
    assert lines == [
        (files_id, "第1項 新增附件：請重新選擇檔案：宣導成果.exe（不接受這種檔案）"),
        (files_id, "第1項 新增附件：請重新選擇檔案：活動照片.png（檔案無誤，但這次沒有儲存）"),
    ]
    # The field itself is marked and names its message.
    (field,) = page.xpath(f'//*[@id="{files_id[1:]}"]')
    assert field.get("aria-invalid") == "true"
    described = field.get("aria-describedby").split()
    assert f"{files_id[1:]}_error" in described
    message = page.xpath(f'string(//*[@id="{files_id[1:]}_error"])')
    assert "請重新選擇檔案：宣導成果.exe（不接受這種檔案）" in message
    assert "field-error" in field.xpath("ancestor::div[1]")[0].get("class")
    # Nothing written: no version, no audit row, no figure, no file on disk.
    assert state(police) == before
    assert list(media.rglob("*.*")) == []
    assert submission_whole(police.pk).task_entries.all()[0].narrative == ""


def test_the_summary_links_to_each_wrong_field_and_each_link_has_its_field(
    demo: Demo, client_for: ClientFor
) -> None:
    police = demo.submission(POLICE)
    entries = list(submission_whole(police.pk).task_entries.all())
    before = state(police)
    data = typed(police)
    first, second = entries[0].pk, entries[1].pk
    data[f"t{first}-fig-1-value"] = "很多"
    data[f"t{second}-behind_reason"] = ""
    response = client_for("demo-reporter-police").post(
        reverse("cycles:submission_edit", args=[police.pk]), data
    )
    assert response.status_code == 400
    page = page_of(response)
    title, lines = summary(page)
    assert title == "有 2 個問題需要處理"
    assert lines == [
        (
            f"#id_t{first}-fig-1-value",
            "第1項 數據第2列 數值：「很多」不是數字，請寫成 12、1,200 或 1萬 2,000。",
        ),
        (
            f"#id_t{second}-behind_reason",
            "第2項 落後原因及改進措施：勾選進度落後時，請說明原因及改進措施。",
        ),
    ]
    for href, _text in lines:
        (field,) = page.xpath(f'//*[@id="{href[1:]}"]')
        assert field.get("aria-invalid") == "true"
        error_id = f"{href[1:]}_error"
        assert error_id in field.get("aria-describedby").split()
        assert page.xpath(f'//*[@id="{error_id}"]'), error_id
    # The fields without a problem are not marked.
    assert page.xpath(f'//*[@id="id_t{first}-fig-0-value"]')[0].get("aria-invalid") is None
    # What was typed is still there, the wrong figure included, as typed.
    assert value_of(page, f"id_t{first}-fig-1-value") == "很多"
    assert value_of(page, f"id_t{first}-narrative").strip() == NARRATIVES[0]
    assert state(police) == before


def test_a_refusal_by_the_service_also_keeps_the_post(
    demo: Demo, client_for: ClientFor, media: Path
) -> None:
    """Too many files is the service's rule (it counts the stored ones): still nothing lost."""
    police = demo.submission(POLICE)
    entries = list(submission_whole(police.pk).task_entries.all())
    before = state(police)
    data = typed(police)
    names = [f"成果{i}.pdf" for i in range(MAX_FILES_PER_ENTRY + 1)]
    data[f"t{entries[0].pk}-new_files"] = [upload(n, pdf_bytes()) for n in names]
    response = client_for("demo-reporter-police").post(
        reverse("cycles:submission_edit", args=[police.pk]), data
    )
    assert response.status_code == 400
    page = page_of(response)
    assert_typed_text_shown(page, police)
    _title, lines = summary(page)
    assert lines[0] == ("", f"{entries[0].label} 最多 {MAX_FILES_PER_ENTRY} 個附件。")
    assert [text for _href, text in lines[1:]] == [
        f"第1項 新增附件：請重新選擇檔案：{n}（檔案無誤，但這次沒有儲存）" for n in names
    ]
    assert state(police) == before
    assert list(media.rglob("*.*")) == []


def test_a_save_that_cannot_be_sent_says_it_was_saved_and_clears_the_browser_copy(
    demo: Demo, client_for: ClientFor
) -> None:
    police = demo.submission(POLICE)
    entries = list(submission_whole(police.pk).task_entries.all())
    data = typed(police)
    data[f"t{entries[2].pk}-narrative"] = ""
    data["then"] = "submit"
    client = client_for("demo-reporter-police")
    response = client.post(reverse("cycles:submission_edit", args=[police.pk]), data)
    assert response.status_code == 400
    page = page_of(response)
    user = demo.user("demo-reporter-police")
    (saved,) = page.xpath("//*[@data-draft-clear]")
    assert saved.get("data-draft-clear") == f"guankao-draft:u{user.pk}:s{police.pk}"
    assert "草稿已儲存，但尚未送出" in saved.text_content()
    _title, lines = summary(page)
    assert "尚有 1 項未填寫，不能送出" in lines[0][1]
    stored = submission_whole(police.pk)
    assert stored.status == SubmissionStatus.DRAFT
    assert stored.task_entries.all()[0].narrative == NARRATIVES[0]


def test_a_successful_save_tells_the_browser_to_drop_its_copy(
    demo: Demo, client_for: ClientFor
) -> None:
    police = demo.submission(POLICE)
    client = client_for("demo-reporter-police")
    response = client.post(
        reverse("cycles:submission_edit", args=[police.pk]), typed(police), follow=True
    )
    page = page_of(response)
    user = demo.user("demo-reporter-police")
    (marker,) = page.xpath("//*[@data-draft-clear]")
    assert marker.get("data-draft-clear") == f"guankao-draft:u{user.pk}:s{police.pk}"
    assert "草稿已儲存（第 2 版）" in marker.text_content()
    # The form names the same key, so the script keeps the copy under this user and submission.
    (form,) = page.xpath('//form[@id="submission-form"]')
    assert form.get("data-draft-key") == marker.get("data-draft-clear")
    assert form.get("data-draft-refused") is None


# --- item 3: a post after the session ended comes back after the sign-in --------------------


def _expire(client: Client) -> None:
    session = client.session
    session[SEEN] = int(time.time()) - 31 * 60
    session.save()


def test_a_post_after_the_idle_limit_is_given_back_after_signing_in(
    demo: Demo, client_for: ClientFor, settings: Any
) -> None:
    settings.SESSION_IDLE_MINUTES = 30
    police = demo.submission(POLICE)
    before = state(police)
    passwords = {username: password for _role, username, password in demo.credentials}
    # CSRF enforced as in production: the genuine token of the page makes the post keepable.
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo.user("demo-reporter-police"))
    edit = reverse("cycles:submission_edit", args=[police.pk])
    token = page_of(client.get(edit)).xpath('//input[@name="csrfmiddlewaretoken"]/@value')[0]
    _expire(client)
    data = typed(police) | {"csrfmiddlewaretoken": token}
    entries = list(submission_whole(police.pk).task_entries.all())
    data[f"t{entries[0].pk}-new_files"] = upload("活動照片.png", png_bytes())
    response = client.post(edit, data)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login")) and "next=" in response["Location"]
    assert state(police) == before
    login_page = page_of(client.get(response["Location"]))
    token = login_page.xpath('//input[@name="csrfmiddlewaretoken"]/@value')[0]
    signed_in = client.post(
        reverse("core:login"),
        {
            "username": "demo-reporter-police",
            "password": passwords["demo-reporter-police"],
            "next": edit,
            "csrfmiddlewaretoken": token,
        },
    )
    assert signed_in.status_code == 302 and signed_in["Location"] == edit
    back = client.get(edit)
    assert back.status_code == 200
    page = page_of(back)
    assert_typed_text_shown(page, police)
    assert "已還原您尚未儲存的內容" in page.xpath('string(//*[@id="restored-notice"])')
    _title, lines = summary(page)
    assert lines == [("", "請重新選擇檔案：活動照片.png（登入逾時，這次沒有儲存）")]
    assert page.xpath('//form[@id="submission-form"]')[0].get("data-draft-refused") is not None
    assert state(police) == before
    # Given back once: the next visit shows the stored (empty) entries.
    again = page_of(client.get(edit))
    assert value_of(again, f"id_t{entries[0].pk}-narrative").strip() == ""


def test_a_kept_post_goes_only_to_the_person_who_typed_it(
    demo: Demo, client_for: ClientFor
) -> None:
    police = demo.submission(POLICE)
    client = client_for("demo-reporter-police")
    edit = reverse("cycles:submission_edit", args=[police.pk])
    client.get(edit)
    _expire(client)
    client.post(edit, typed(police))
    assert KEPT_POST in client.session
    # A colleague of the same agency signs in on the same browser: the kept text is dropped.
    other = user_ensure(
        username="police-colleague",
        password="a-Long-enough-passphrase-42",
        email="",
        full_name="警察局同仁",
        actor=None,
    )
    membership_grant(user=other, role=Role.REPORTER, agency=police.agency, actor=None)
    client.force_login(other)
    page = page_of(client.get(edit))
    entries = list(submission_whole(police.pk).task_entries.all())
    assert value_of(page, f"id_t{entries[0].pk}-narrative").strip() == ""
    assert KEPT_POST not in client.session


@pytest.mark.parametrize("genuine", [True, False])
def test_a_forged_late_post_is_not_kept(genuine: bool, demo: Demo) -> None:
    """The view's CSRF check never runs for a signed-out post, so the keeping checks it."""
    police = demo.submission(POLICE)
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo.user("demo-reporter-police"))
    edit = reverse("cycles:submission_edit", args=[police.pk])
    token = page_of(client.get(edit)).xpath('//input[@name="csrfmiddlewaretoken"]/@value')[0]
    _expire(client)
    response = client.post(
        edit, typed(police) | {"csrfmiddlewaretoken": token if genuine else "x" * 64}
    )
    assert response.status_code == 302
    assert (KEPT_POST in client.session) is genuine


def test_the_keep_alive_counts_as_activity(demo: Demo, client_for: ClientFor) -> None:
    client = client_for("demo-reporter-police")
    url = reverse("core:keep-alive")
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 200
    assert response.json() == {"idle_seconds": 30 * 60}
    assert int(time.time()) - client.session[SEEN] < 5
    assert Client().post(url).status_code == 302


def test_the_edit_page_warns_before_the_idle_limit(demo: Demo, client_for: ClientFor) -> None:
    police = demo.submission(POLICE)
    page = page_of(client_for("demo-reporter-police").get(
        reverse("cycles:submission_edit", args=[police.pk])
    ))  # fmt: skip
    (banner,) = page.xpath('//*[@id="idle-warning"]')
    assert banner.get("data-idle-seconds") == str(30 * 60)
    assert banner.get("data-keep-alive") == reverse("core:keep-alive")
    assert banner.get("hidden") is not None
    assert "繼續使用" in banner.text_content()
    scripts = page.xpath("//script/@src")
    assert any(s.endswith("cycles/kept-input.js") for s in scripts)
    assert any(s.endswith("guankao/idle-warning.js") for s in scripts)
    assert not page.xpath("//script[not(@src)]")  # CSP: no inline script


# --- item 6: 核定 asks first ----------------------------------------------------------------


def test_approve_asks_first_and_says_what_becomes_locked(demo: Demo, client_for: ClientFor) -> None:
    police = fill_and_submit(demo.submission(POLICE), demo.user("demo-reporter-police"))
    client = client_for("demo-coordinator")
    shown = page_of(client.get(reverse("cycles:submission", args=[police.pk])))
    (button_form,) = shown.xpath('//form[.//button[normalize-space()="核定"]]')
    assert button_form.get("method") == "get"
    assert button_form.get("action") == reverse("cycles:submission_approve", args=[police.pk])
    audit = AuditEntry.objects.count()
    confirm = client.get(
        reverse("cycles:submission_approve", args=[police.pk]), {"version": police.version}
    )
    assert confirm.status_code == 200
    page = page_of(confirm)
    assert page.xpath("string(//h1)").strip() == "確定要核定警察局 113H1 的填報嗎？"
    locks = [li.text_content().strip() for li in page.xpath('//*[@id="locks"]/li')]
    assert locks[0].startswith(f"這份填報（第 {police.version} 版）的辦理情形、數據與附件即鎖定")
    assert locks[1] == "辦理情形與數據列入 113H1 的委員會報告。"
    assert len(locks) == 2  # 113H1 is not the year's last period: nothing flows to a report
    assert Submission.objects.get(pk=police.pk).status == SubmissionStatus.SUBMITTED
    assert AuditEntry.objects.count() == audit
    approve = reverse("cycles:submission_approve", args=[police.pk])
    (form,) = page.xpath(f'//form[@method="post"][@action="{approve}"]')
    assert form.xpath('.//input[@name="version"]/@value') == [str(police.version)]
    done = client.post(
        reverse("cycles:submission_approve", args=[police.pk]), {"version": police.version}
    )
    assert done.status_code == 302
    assert Submission.objects.get(pk=police.pk).status == SubmissionStatus.APPROVED


def test_the_year_end_confirmation_lists_the_actuals_that_go_into_the_report(
    client_for: ClientFor,
) -> None:
    submission, coordinator = _hsinchu_period("108Q4")
    whole = submission_whole(submission.pk)
    entries = list(whole.measure_entries.all())
    measures = {
        e.pk: services.MeasureInput(
            actual=Decimal(1234) if i == 0 else e.measure.actual or Decimal(0), done=e.measure.done
        )
        for i, e in enumerate(entries)
    }
    services.submission_save_draft(
        submission=whole, expected_version=1, tasks={}, measures=measures, actor=None
    )
    services.submission_transition(transition=Transition.SUBMIT, submission=whole, actor=None)
    client = Client()
    client.force_login(coordinator)
    page = page_of(client.get(reverse("cycles:submission_approve", args=[submission.pk])))
    locks = page.xpath('//*[@id="locks"]/li')
    assert len(locks) == 3
    assert "寫入 108 年度施政績效報告的執行績效" in locks[2].text_content()
    first = entries[0].measure
    listed = [li.text_content().strip() for li in locks[2].xpath(".//ul/li")]
    assert (
        f"{first.indicator.plan.number}-{first.indicator.number}　{first.label}：1,234{first.actual_unit or first.unit}"
        in listed
    )


@pytest.mark.parametrize("username", ["demo-reporter-police", "demo-reviewer"])
def test_only_those_who_may_approve_see_the_question(
    username: str, demo: Demo, client_for: ClientFor
) -> None:
    police = fill_and_submit(demo.submission(POLICE), demo.user("demo-reporter-police"))
    response = client_for(username).get(reverse("cycles:submission_approve", args=[police.pk]))
    assert response.status_code == 403


def test_the_question_is_not_asked_of_a_draft(demo: Demo, client_for: ClientFor) -> None:
    police = demo.submission(POLICE)
    response = client_for("demo-coordinator").get(
        reverse("cycles:submission_approve", args=[police.pk])
    )
    assert response.status_code == 409
    _title, lines = summary(page_of(response))
    assert lines == [("", "這份填報目前為「草稿」，不能核定。")]


# --- the other cycles forms and the sign-in ------------------------------------------------


def test_a_refused_return_keeps_the_reason_and_links_to_it(
    demo: Demo, client_for: ClientFor
) -> None:
    police = fill_and_submit(demo.submission(POLICE), demo.user("demo-reporter-police"))
    response = client_for("demo-coordinator").post(
        reverse("cycles:submission_return", args=[police.pk]),
        {"reason": "   ", "version": police.version},
    )
    assert response.status_code == 400
    page = page_of(response)
    _title, lines = summary(page)
    assert lines == [("#reason-return", "退回時請寫明理由（需要修正的地方）。")]
    (box,) = page.xpath('//*[@id="reason-return"]')
    assert box.get("aria-invalid") == "true"
    assert page.xpath('//*[@id="reason-return-error"]')


def test_a_too_long_comment_is_kept_and_linked(demo: Demo, client_for: ClientFor) -> None:
    police = demo.submission(POLICE)
    entry = submission_whole(police.pk).task_entries.all()[0]
    body = "宣導對象可再區分國籍。" * 200
    response = client_for("demo-reviewer").post(
        reverse("cycles:comment_add", args=[police.pk]), {"entry": entry.pk, "body": body}
    )
    assert response.status_code == 400
    page = page_of(response)
    _title, lines = summary(page)
    assert lines[0][0] == f"#comment-{entry.pk}"
    assert value_of(page, f"comment-{entry.pk}") == body


def test_the_period_form_has_the_summary(demo: Demo, client_for: ClientFor) -> None:
    response = client_for("demo-coordinator").post(
        reverse("cycles:period_open"), {"code": "113Q3", "deadline": "明天"}
    )
    assert response.status_code == 400
    page = page_of(response)
    _title, lines = summary(page)
    hrefs = [href for href, _text in lines]
    assert "#id_deadline" in hrefs and "#id_jurisdiction" in hrefs
    assert any("「明天」不是日期" in text for _href, text in lines)
    assert value_of(page, "id_code") == "113Q3"


def test_the_sign_in_page_has_the_summary(demo: Demo) -> None:
    response = Client().post(reverse("core:login"), {"username": "nobody", "password": "wrong"})
    page = page_of(response)
    title, lines = summary(page)
    assert title == "有 1 個問題需要處理"
    assert lines[0][0] == "#id_username"
    assert value_of(page, "id_username") == "nobody"
    missing = page_of(Client().post(reverse("core:login"), {"username": "", "password": ""}))
    _title, lines = summary(missing)
    assert [href for href, _text in lines] == ["#id_username", "#id_password"]
    assert missing.xpath('//*[@id="id_password"]')[0].get("aria-invalid") == "true"


def test_the_password_change_page_has_the_summary(demo: Demo, client_for: ClientFor) -> None:
    client = client_for("demo-reporter-police")
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "wrong",
            "new_password1": "a-Long-enough-passphrase-42",
            "new_password2": "a-Long-enough-passphrase-43",
        },
    )
    assert response.status_code == 200
    page = page_of(response)
    _title, lines = summary(page)
    hrefs = [href for href, _text in lines]
    assert "#id_old_password" in hrefs and "#id_new_password2" in hrefs
    (field,) = page.xpath('//*[@id="id_new_password2"]')
    assert field.get("aria-invalid") == "true"
    assert "field-error" in field.xpath("ancestor::div[1]")[0].get("class")
