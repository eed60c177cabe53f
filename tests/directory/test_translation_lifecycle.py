"""Translations have a lifecycle (issue 12, decision 0065): current (reviewed), outdated, machine
draft, missing. A task whose text changes keeps its translations, marked outdated; the public
page shows them with a one-line notice and the Chinese original, the search still finds the
task through them, and the staff translation page lists them until a person reviews them."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from lxml import html  # type: ignore[import-untyped]

from guankao.core.accounts import membership_grant
from guankao.core.models import Jurisdiction, Role
from guankao.directory.models import ContentKind, ContentTranslation, TranslationStatus
from guankao.directory.presenters import present_search
from guankao.directory.services import translation_update
from guankao.directory.snapshot import get_directory
from tests.divisions.test_versions import NEW_TEXT, OLD_TEXT, import_114_3, publish, table_file

pytestmark = pytest.mark.django_db

OLD, NEW = OLD_TEXT.removeprefix("4."), NEW_TEXT.removeprefix("4.")
QUESTION = "Tôi muốn thi nhập quốc tịch, đi đâu?"


def best_vietnamese_answer() -> tuple[str, str, bool]:
    """The first answer to the Vietnamese question: its Chinese source, shown text, outdated."""
    directory = get_directory("keelung")
    assert directory is not None
    view = present_search(directory, directory.search(QUESTION), "vi")
    best = view.tasks[0]
    return directory.tasks[best.pk].text.source, best.text.text, best.text.outdated


@pytest.fixture
def changed(tmp_path: Path) -> ContentTranslation:
    """114.3 imported with 民政處 4's text changed, and published; its Vietnamese translation."""
    import_114_3(table_file(tmp_path))
    publish("--version", "114.3")
    return ContentTranslation.objects.get(kind=ContentKind.TASK, source=NEW, language="vi")


def test_a_changed_text_keeps_its_translations_marked_outdated(
    changed: ContentTranslation,
) -> None:
    old = ContentTranslation.objects.get(kind=ContentKind.TASK, source=OLD, language="vi")
    assert (changed.text, changed.status, changed.previous_source) == (
        old.text,
        TranslationStatus.OUTDATED,
        OLD,
    )
    # Every language the old text had, and the old text's own translations stay for 112.7.
    languages = set(
        ContentTranslation.objects.filter(kind=ContentKind.TASK, source=OLD).values_list(
            "language", flat=True
        )
    )
    copies = ContentTranslation.objects.filter(kind=ContentKind.TASK, source=NEW)
    assert set(copies.values_list("language", flat=True)) == languages and len(languages) >= 8
    assert set(copies.values_list("status", flat=True)) == {TranslationStatus.OUTDATED}
    assert old.status != TranslationStatus.OUTDATED


def test_the_vietnamese_search_still_ranks_the_task_first(tmp_path: Path) -> None:
    before = best_vietnamese_answer()
    assert before[0] == OLD and not before[2]
    import_114_3(table_file(tmp_path))
    publish("--version", "114.3")
    source, shown, outdated = best_vietnamese_answer()
    assert source == NEW and outdated
    assert shown == before[1]  # the Vietnamese text, not the Chinese


def test_the_public_page_shows_the_notice_and_the_chinese_original(
    changed: ContentTranslation, client: Client
) -> None:
    page = html.fromstring(
        client.get("/directory/keelung/agencies/keelung-civil-affairs/", {"lang": "vi"}).content
    )
    task = next(li for li in page.xpath("//li[@class='task']") if changed.text in li.text_content())
    notice = task.xpath(".//p[@class='outdated-notice']")
    assert len(notice) == 1 and notice[0].get("lang") == "vi"
    assert notice[0].text_content() == (
        "Bản dịch này dựa trên nội dung cũ và có thể đã lỗi thời; bản gốc tiếng Trung ở bên dưới."
    )
    original = task.xpath(".//p[@class='task-original']/span[@lang='zh-Hant']")
    assert [o.text_content() for o in original] == [NEW]
    # A task whose text did not change has no notice.
    others = [li for li in page.xpath("//li[@class='task']") if li is not task]
    assert others and not any(li.xpath(".//p[@class='outdated-notice']") for li in others)


def test_the_notice_is_in_the_readers_language(changed: ContentTranslation, client: Client) -> None:
    # Every catalog translates the notice now (Khmer did not, and read it in English).
    khmer = ContentTranslation.objects.get(kind=ContentKind.TASK, source=NEW, language="km")
    page = html.fromstring(
        client.get("/directory/keelung/agencies/keelung-civil-affairs/", {"lang": "km"}).content
    )
    task = next(li for li in page.xpath("//li[@class='task']") if khmer.text in li.text_content())
    notice = task.xpath(".//p[@class='outdated-notice']")[0]
    assert notice.get("lang") == "km"
    text = notice.text_content()
    assert text and not text.startswith("This translation was made for an earlier version")


def test_the_cli_json_says_outdated_with_the_original(changed: ContentTranslation) -> None:
    out = StringIO()
    call_command(
        "directory", "search", QUESTION, "--jurisdiction", "keelung", "--lang", "vi", "--json",
        stdout=out,
    )  # fmt: skip
    first = json.loads(out.getvalue())[0]
    assert (first["task"], first["outdated"], first["source_text"]) == (changed.text, True, NEW)


def staff_client(client: Client) -> Client:
    user = User.objects.create_user("coordinator", password="x" * 12)
    membership_grant(
        user=user,
        role=Role.COORDINATOR,
        jurisdiction=Jurisdiction.objects.get(slug="keelung"),
        actor=None,
    )
    client.force_login(user)
    return client


def test_staff_see_what_is_outdated_and_review_it(
    changed: ContentTranslation, client: Client
) -> None:
    staff = staff_client(client)
    page = html.fromstring(staff.get("/directory/staff/translations/", {"language": "vi"}).content)
    count = ContentTranslation.objects.in_language("vi").outdated().count()
    assert count >= 1
    line = " ".join(page.xpath("//p[@class='outdated-count']")[0].text_content().split())
    assert line == f"{count} 則譯文已過時：原文修改過，請依新原文審閱。"
    listed = html.fromstring(
        staff.get(
            "/directory/staff/translations/", {"language": "vi", "status": "outdated"}
        ).content
    )
    rows = listed.xpath("//tr[@class='outdated']")
    assert len(rows) == count
    row = next(r for r in rows if NEW in r.text_content())
    assert [d.text_content() for d in row.xpath(".//del")] == [OLD]

    # A person reviews it for the new text: current again, the old text forgotten.
    translation_update(
        translation=changed, text=changed.text + " và hướng dẫn.", status="reviewed", actor=None
    )
    changed.refresh_from_db()
    assert (changed.status, changed.previous_source) == (TranslationStatus.REVIEWED, "")
    assert changed.reviewed_at is not None
    page = client.get("/directory/keelung/agencies/keelung-civil-affairs/", {"lang": "vi"})
    tree = html.fromstring(page.content)
    task = next(li for li in tree.xpath("//li[@class='task']") if changed.text in li.text_content())
    assert not task.xpath(".//p[@class='outdated-notice']")


def test_the_versions_page_says_how_many_translations_become_outdated(
    tmp_path: Path, client: Client
) -> None:
    import_114_3(table_file(tmp_path))
    staff = staff_client(client)
    draft = get_draft_pk()
    page = html.fromstring(staff.get(f"/directory/staff/tables/{draft}/diff/").content)
    counts = " ".join(page.xpath("//p[@class='diff-counts']")[0].text_content().split())
    assert counts == (
        "與 112.7 版相比：機關名稱或電話變更 1 個、新增 0 項、刪除 0 項、修改 1 項、未變 52 項。"
    )
    translated = ContentTranslation.objects.filter(kind=ContentKind.TASK, source=OLD).count()
    outdated = " ".join(page.xpath("//p[@class='diff-outdated']")[0].text_content().split())
    assert outdated == f"這些修改會讓 {translated} 則譯文標為過時（保留譯文，待人審閱）。"


def get_draft_pk() -> int:
    from guankao.divisions.models import DivisionTable

    return DivisionTable.objects.get(jurisdiction__slug="keelung", effective_month="2025-03-01").pk


def test_an_edit_in_the_table_editor_keeps_the_translations_too() -> None:
    """``task_upsert`` (the editor's write) carries them over like an import."""
    from guankao.divisions.models import DivisionTable, Task
    from guankao.divisions.services import division_table_copy, task_upsert
    from guankao.tw import YearMonth

    table = DivisionTable.objects.for_jurisdiction("keelung").get()
    draft = division_table_copy(source=table, version=YearMonth(2025, 1), actor=None)
    assert draft.is_draft
    task = Task.objects.get(table=draft, agency__slug="keelung-civil-affairs", number=4)
    task_upsert(
        table=draft,
        agency=task.agency,
        number=4,
        numbered=True,
        area=task.area,
        text="辦理歸化國籍測試及說明會。",
        position=task.position,
        co_leads=[],
        actor=None,
    )
    copy = ContentTranslation.objects.get(
        kind=ContentKind.TASK, source="辦理歸化國籍測試及說明會。", language="vi"
    )
    assert (copy.status, copy.previous_source) == (TranslationStatus.OUTDATED, OLD)
