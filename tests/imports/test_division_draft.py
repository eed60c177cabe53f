"""An imported division table is a draft (issue 12): its preview lists only the real
differences from the published version, and it goes public only through the confirmed publish
step, now or on a chosen day."""

from __future__ import annotations

import datetime
import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from lxml import html  # type: ignore[import-untyped]

from guankao.core.accounts import membership_grant
from guankao.core.models import AuditEntry, Jurisdiction, Role
from guankao.directory.models import ContentKind, ContentTranslation
from guankao.directory.snapshot import get_directory
from guankao.divisions.models import DivisionTable, TableStatus
from guankao.imports.services import division_import, division_target
from guankao.tw import format_roc_date
from tests.divisions.test_versions import NEW_PHONE, OLD_PHONE, OLD_TEXT, table_file

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def keelung_client(role: Role, username: str = "keelung-staff") -> Client:
    user = User.objects.create_user(username=username, password="not-used-here-1234")
    membership_grant(
        user=user, role=role, jurisdiction=Jurisdiction.objects.get(slug="keelung"), actor=None
    )
    client = Client()
    client.force_login(user)
    return client


def text_of(node: Any) -> str:
    return " ".join(node.text_content().split())


def draft_114_3() -> DivisionTable:
    return DivisionTable.objects.get(jurisdiction__slug="keelung", effective_month="2025-03-01")


def test_the_preview_lists_only_the_real_differences(tmp_path: Path) -> None:
    path = table_file(tmp_path)
    preview = division_import(
        path=path,
        filename=path.name,
        target=division_target(jurisdiction="keelung", version="114.3"),
        actor=None,
    )
    diff = preview.diff
    assert diff is not None and diff.old_version == "112.7"
    assert [(c.agency, c.old_phone, c.new_phone) for c in diff.contacts] == [
        ("警察局", OLD_PHONE, NEW_PHONE)
    ]
    assert [(c.agency, c.number, c.fields) for c in diff.changed] == [("民政處", 4, ("text",))]
    assert [p.text for p in diff.changed[0].text_diff if p.kind == "added"] == ["及輔導"]
    assert (diff.added, diff.removed, diff.unchanged) == ((), (), 52)
    translated = ContentTranslation.objects.filter(
        kind=ContentKind.TASK, source=OLD_TEXT.removeprefix("4.")
    ).count()
    assert preview.outdated_translations == translated > 0
    assert draft_114_3_missing()  # a preview writes nothing


def draft_114_3_missing() -> bool:
    return not DivisionTable.objects.filter(effective_month="2025-03-01").exists()


def test_the_preview_page_then_the_draft_then_the_confirmed_publication(tmp_path: Path) -> None:
    staff = keelung_client(Role.COORDINATOR)
    path = table_file(tmp_path)
    response = staff.post(
        "/imports/division/",
        {
            "jurisdiction": "keelung",
            "version": "114.3",
            "file": SimpleUploadedFile(path.name, path.read_bytes()),
        },
    )
    assert response.status_code == 302
    url = str(response["Location"])
    page = staff.get(url).content.decode()
    tree = html.fromstring(page)
    assert text_of(tree.xpath("//p[@class='diff-counts']")[0]) == (
        "與 112.7 版相比：機關名稱或電話變更 1 個、新增 0 項、刪除 0 項、修改 1 項、未變 52 項。"
    )
    assert [text_of(li) for li in tree.xpath("//ul[@class='contacts']/li")] == [
        f"警察局：電話 {OLD_PHONE} → {NEW_PHONE}"
    ]
    assert [text_of(li) for li in tree.xpath("//ul[@class='changed']/li//ins")] == ["及輔導"]
    assert not tree.xpath("//ul[@class='added']") and not tree.xpath("//ul[@class='removed']")
    assert tree.xpath("//p[@class='diff-outdated']")
    assert "儲存後是草稿版本" in page
    digest = re.search(r'name="digest" value="([0-9a-f]{64})"', page)
    assert digest is not None
    assert staff.post(url, {"digest": digest[1]})["Location"] == "/directory/staff/"

    draft = draft_114_3()
    assert draft.is_draft
    assert get_directory("keelung") is not None
    assert get_directory("keelung").version == "112.7"  # type: ignore[union-attr]
    tables = html.fromstring(staff.get("/directory/staff/").content)
    status = [text_of(td) for td in tables.xpath("//td[@class='status']")]
    assert status[0] == "草稿：差異、公開…" and status[1].startswith("公開中")

    publish_url = f"/directory/staff/tables/{draft.pk}/publish/"
    # A bad date is a form error in Chinese, not a 500; a past day is refused too.
    bad = html.fromstring(staff.post(publish_url, {"on": "明天"}).content)
    assert "不是日期" in text_of(bad.xpath("//div[@class='error-summary']")[0])
    past = html.fromstring(staff.post(publish_url, {"on": "100/01/01"}).content)
    assert "公開日期已過" in text_of(past.xpath("//div[@class='error-summary']")[0])

    day = timezone.localdate() + datetime.timedelta(days=7)
    slash = format_roc_date(day, "slash")
    step = html.fromstring(staff.post(publish_url, {"on": slash}).content)
    assert text_of(step.xpath("//p[@class='confirm-what']")[0]) == (
        f"114.3 版將於 {format_roc_date(day)} 起在公開的服務導覽、搜尋、API 與 HSDS 上顯示。"
        "屆時 112.7 版不再顯示，但仍可列印、下載，內容不變。"
    )
    assert draft_114_3().is_draft  # nothing happens before the confirmation
    done = staff.post(publish_url, {"on": slash, "confirm": "yes"})
    assert done.status_code == 302
    published = draft_114_3()
    assert (published.status, published.published_on) == (TableStatus.PUBLISHED, day)
    assert AuditEntry.objects.filter(action="publish", object_id=str(published.pk)).count() == 1
    assert get_directory("keelung").version == "112.7"  # type: ignore[union-attr]
    again = staff.post(publish_url, {"on": slash, "confirm": "yes"}, follow=True)
    assert "114.3 版已於" in again.content.decode()


def test_a_reviewer_cannot_publish(tmp_path: Path) -> None:
    call_command(
        "import", "division", str(table_file(tmp_path)), "--jurisdiction", "keelung",
        "--version", "114.3", stdout=StringIO(),
    )  # fmt: skip
    reviewer = keelung_client(Role.REVIEWER, "keelung-reviewer")
    url = f"/directory/staff/tables/{draft_114_3().pk}/publish/"
    assert reviewer.get(url).status_code == 403
    assert reviewer.post(url, {"on": "", "confirm": "yes"}).status_code == 403
    assert draft_114_3().is_draft


def test_an_import_may_not_rewrite_a_published_version(tmp_path: Path) -> None:
    entries = AuditEntry.objects.count()
    with pytest.raises(CommandError) as raised:
        call_command(
            "import", "division", str(table_file(tmp_path)), "--jurisdiction", "keelung",
            "--version", "112.7", stdout=StringIO(),
        )  # fmt: skip
    assert raised.value.returncode == 2
    assert "112.7 版已公開，不能修改；請以新版本匯入或複製。" in str(raised.value)
    assert AuditEntry.objects.count() == entries
    police = get_directory("keelung")
    assert police is not None
    assert police.agencies["keelung-police"].phone is not None
    assert police.agencies["keelung-police"].phone.as_written == OLD_PHONE


def test_a_new_city_with_only_a_draft_is_not_listed_in_public(tmp_path: Path) -> None:
    call_command(
        "import", "division", str(table_file(tmp_path)), "--jurisdiction", "tainan",
        "--version", "114.3", "--name", "臺南市", stdout=StringIO(),
    )  # fmt: skip
    public = Client()
    index = html.fromstring(public.get("/directory/").content)
    links = {a.get("href") for a in index.xpath("//main//a")}
    assert any("/directory/keelung/" in (href or "") for href in links)
    assert not any("/directory/tainan/" in (href or "") for href in links)
    assert public.get("/directory/tainan/").status_code == 404
    call_command(
        "division", "publish", "--jurisdiction", "tainan", "--version", "114.3", stdout=StringIO()
    )
    assert public.get("/directory/tainan/").status_code == 200
