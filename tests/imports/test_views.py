"""The upload → preview → confirm pages, as coordinators use them."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from guankao.core.accounts import membership_grant
from guankao.core.models import Agency, Jurisdiction, Role
from guankao.divisions.models import DivisionTable
from guankao.imports.readers import read_grids
from guankao.performance.models import Plan

from . import builders
from .test_division_import import MESSY_MERGES, MESSY_ROWS
from .test_performance_import import REPORT_ROWS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def signed_in(username: str, role: Role | None, **scope: Any) -> Client:
    user = User.objects.create_user(username=username, password="not-used-here-1234")
    if role is not None:
        membership_grant(user=user, role=role, actor=None, **scope)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def keelung() -> Client:
    return signed_in(
        "keelung-coordinator",
        Role.COORDINATOR,
        jurisdiction=Jurisdiction.objects.get(slug="keelung"),
    )


@pytest.fixture
def hsinchu() -> Client:
    return signed_in(
        "hsinchu-coordinator", Role.COORDINATOR, agency=Agency.objects.get(slug="hsinchu-social")
    )


def upload(path: Path) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes())


def messy_xlsx(tmp_path: Path) -> Path:
    return builders.xlsx(tmp_path / "分工表.xlsx", MESSY_ROWS, MESSY_MERGES)


def preview_url(client: Client, tmp_path: Path, **fields: Any) -> str:
    data = {"jurisdiction": "keelung", "version": "114.3", "file": upload(messy_xlsx(tmp_path))}
    response = client.post("/imports/division/", data | fields)
    assert response.status_code == 302, response.content.decode()
    return str(response["Location"])


def test_signed_out_people_are_sent_to_sign_in(client: Client) -> None:
    response = client.get("/imports/division/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_reporter_may_not_import() -> None:
    reporter = signed_in("reporter", Role.REPORTER, agency=Agency.objects.get(label="民政處"))
    assert reporter.get("/imports/division/").status_code == 403
    assert reporter.get("/imports/performance/").status_code == 403
    page = reporter.get("/imports/").content.decode()
    assert "上傳分工表" not in page and "空白範本" in page


def test_upload_preview_and_confirm(
    keelung: Client, tmp_path: Path, media: Path, counts: Callable[[], dict[str, int]]
) -> None:
    form = keelung.get("/imports/division/").content.decode()
    assert 'value="keelung"' in form and 'value="hsinchu"' not in form
    before = counts()
    url = preview_url(keelung, tmp_path)
    assert len(list((media / "imports").iterdir())) == 1
    page = keelung.get(url).content.decode()
    assert counts() == before  # the preview writes nothing
    assert "匯入預覽：基隆市 分工表 114.3" in page
    assert "分工表!B4" in page and "辦理新住民生活適應輔導班及活動。" in page
    assert "無法辨識電話「2420-11」" in page
    assert "新增 機關「產業發展處」" in page
    digest = re.search(r'name="digest" value="([0-9a-f]{64})"', page)
    assert digest is not None and "確認儲存" in page
    response = keelung.post(url, {"digest": digest[1]})
    # A draft version: the versions page is where it is compared and published.
    assert response.status_code == 302 and response["Location"] == "/directory/staff/"
    table = DivisionTable.objects.get(jurisdiction__slug="keelung", effective_month="2025-03-01")
    assert table.tasks.count() == 12 and table.is_draft
    assert list((media / "imports").iterdir()) == []
    done = keelung.get("/directory/staff/").content.decode()
    assert "這是草稿版本，公開前不會出現在服務導覽。" in done
    assert "已匯入 分工表.xlsx 到 基隆市 分工表 114.3" in done
    assert keelung.get(url).status_code == 404  # the upload is gone once saved


def test_a_changed_database_since_the_preview_is_not_saved(
    keelung: Client, tmp_path: Path, counts: Callable[[], dict[str, int]]
) -> None:
    url = preview_url(keelung, tmp_path)
    before = counts()
    response = keelung.post(url, {"digest": "0" * 64})
    assert response.status_code == 302 and response["Location"] == url
    assert counts() == before
    assert "預覽之後資料已有變動" in keelung.get(url).content.decode()


def test_cancel_removes_the_upload(keelung: Client, tmp_path: Path, media: Path) -> None:
    url = preview_url(keelung, tmp_path)
    token = url.rstrip("/").rsplit("/", 1)[1]
    response = keelung.post(f"/imports/preview/{token}/cancel/")
    assert response.status_code == 302
    assert list((media / "imports").iterdir()) == []
    assert keelung.get(url).status_code == 404


def test_someone_else_cannot_open_my_upload(keelung: Client, tmp_path: Path) -> None:
    url = preview_url(keelung, tmp_path)
    other = signed_in("admin-2", Role.ADMIN)
    assert other.get(url).status_code == 404


def test_a_file_that_is_not_what_it_claims(
    keelung: Client, tmp_path: Path, counts: Callable[[], dict[str, int]]
) -> None:
    fake = tmp_path / "分工表.xlsx"
    fake.write_bytes(b"%PDF-1.7\n")
    before = counts()
    url = preview_url(keelung, tmp_path, file=upload(fake))
    response = keelung.get(url)
    assert response.status_code == 400
    assert "分工表.xlsx：副檔名是 XLSX，內容卻是 PDF 檔案，無法匯入。" in response.content.decode()
    assert counts() == before


def test_a_file_over_the_limit_is_stopped_while_uploading(keelung: Client) -> None:
    big = SimpleUploadedFile("big.csv", b"0" * (21 * 1024 * 1024))
    response = keelung.post(
        "/imports/division/", {"jurisdiction": "keelung", "version": "114.3", "file": big}
    )
    assert response.status_code == 400
    assert "檔案太大，上限為 20 MB。" in response.content.decode()


def test_a_bad_version_is_a_form_error(keelung: Client, tmp_path: Path) -> None:
    response = keelung.post(
        "/imports/division/",
        {"jurisdiction": "keelung", "version": "明年", "file": upload(messy_xlsx(tmp_path))},
    )
    assert response.status_code == 400
    assert "版本「明年」須為民國年.月，例如 114.3。" in response.content.decode()


def test_performance_upload_for_the_coordinators_department(
    hsinchu: Client, tmp_path: Path
) -> None:
    path = builders.docx(tmp_path / "績效報告.docx", REPORT_ROWS)
    response = hsinchu.post(
        "/imports/performance/",
        {"department": "hsinchu-social", "year": "113", "file": upload(path)},
    )
    assert response.status_code == 302
    page = hsinchu.get(response["Location"]).content.decode()
    assert (
        "社會處 113年度施政計畫" in page
        and "衡量標準的單位「人」與執行績效的單位「名」不同。" in page
    )
    digest = re.search(r'name="digest" value="([0-9a-f]{64})"', page)
    assert digest is not None
    hsinchu.post(response["Location"], {"digest": digest[1]})
    assert Plan.objects.filter(department__slug="hsinchu-social", year=2024).count() == 3


def test_a_coordinator_cannot_pick_another_department(keelung: Client, tmp_path: Path) -> None:
    path = builders.docx(tmp_path / "績效報告.docx", REPORT_ROWS)
    response = keelung.post(
        "/imports/performance/",
        {"department": "hsinchu-social", "year": "113", "file": upload(path)},
    )
    assert response.status_code == 400
    assert not Plan.objects.filter(year=2024).exists()


def test_template_download_reads_back(keelung: Client, tmp_path: Path) -> None:
    response = keelung.get("/imports/template/division.xlsx?jurisdiction=keelung&version=112.7")
    assert response.status_code == 200
    assert 'filename="division-keelung-112.7.xlsx"' in response["Content-Disposition"]
    path = tmp_path / "download.xlsx"
    path.write_bytes(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    (grid,) = read_grids(path)
    assert grid.rows[3].cells == (
        "生活適應輔導",
        "1.辦理新住民生活適應輔導班及活動。",
        "民政處",
        "2420-1122#1632",
    )


def test_blank_templates(keelung: Client, tmp_path: Path) -> None:
    for kind in ("division", "performance"):
        for file_format in ("xlsx", "ods"):
            response = keelung.get(f"/imports/template/{kind}.{file_format}")
            assert response.status_code == 200
            path = tmp_path / f"{kind}.{file_format}"
            path.write_bytes(b"".join(response.streaming_content))  # type: ignore[attr-defined]
            headings = read_grids(path)[0].rows
            assert headings, kind
    assert keelung.get("/imports/template/division.pdf").status_code == 404
