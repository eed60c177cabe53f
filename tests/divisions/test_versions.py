"""Versions are history (issue 12): what a table version prints belongs to that version.

Keelung's 112.7 table is exported, 警察局's phone changed to 2425-2788 and one task's text
changed, and the file imported as 114.3: a draft, shown to nobody until it is published (now or
on a chosen day), and 112.7 keeps printing exactly what it printed, in every format.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import subprocess
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from docx import Document as DocxDocument
from lxml import html  # type: ignore[import-untyped]
from odfdo import Document as OdfDocument

from guankao.core.models import Agency, AuditEntry
from guankao.directory.snapshot import get_directory
from guankao.divisions.models import AgencyContact, DivisionTable, TableStatus
from guankao.imports.management.commands.export import Command as ExportCommand

pytestmark = pytest.mark.django_db

OLD_PHONE, NEW_PHONE = "2425-2787", "2425-2788"
OLD_TEXT, NEW_TEXT = "4.辦理歸化國籍測試。", "4.辦理歸化國籍測試及輔導。"
FORMATS = ("html", "pdf", "odt", "docx", "ods", "xlsx", "csv", "json")


def table_file(tmp_path: Path, *, phone: str = NEW_PHONE, text: str = NEW_TEXT) -> Path:
    """Keelung's 112.7 in the import layout, with 警察局's phone and 民政處 4's text changed."""
    path = tmp_path / "keelung-114.3.xlsx"
    call_command(
        ExportCommand(), "template", "division", "--format", "xlsx",
        "--jurisdiction", "keelung", "--version", "112.7", "-o", str(path), stdout=StringIO(),
    )  # fmt: skip
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    found = {"phone": False, "text": False}
    for row in sheet.iter_rows():
        values = [cell.value for cell in row]
        if "警察局" in values and OLD_PHONE in values:
            row[values.index(OLD_PHONE)].value = phone
            found["phone"] = True
        if OLD_TEXT in values:
            row[values.index(OLD_TEXT)].value = text
            found["text"] = True
    assert found == {"phone": True, "text": True}
    book.save(path)
    return path


def import_114_3(path: Path) -> str:
    out = StringIO()
    call_command(
        "import", "division", str(path), "--jurisdiction", "keelung", "--version", "114.3",
        stdout=out,
    )  # fmt: skip
    return out.getvalue()


def publish(*args: str) -> str:
    out = StringIO()
    call_command("division", "publish", "--jurisdiction", "keelung", *args, stdout=out)
    return out.getvalue()


def report(tmp_path: Path, fmt: str, version: str = "112.7") -> Path:
    path = tmp_path / f"division-{version}.{fmt}"
    call_command(
        "report", "division", "--jurisdiction", "keelung", "--version", version,
        "--format", fmt, "-o", str(path), stdout=StringIO(),
    )  # fmt: skip
    return path


def _cells(path: Path) -> list[list[str]]:
    table = OdfDocument(str(path)).body.get_table(0)
    assert table is not None
    return [[str(v) for v in row] for row in table.get_values()]


PARSERS: dict[str, Callable[[Path], Any]] = {
    "html": lambda p: [
        ["\n".join(t.strip() for t in td.itertext() if t.strip()) for td in tr.xpath("./td|./th")]
        for tr in html.fromstring(p.read_text(encoding="utf-8")).xpath("//table//tr")
    ],
    "pdf": lambda p: (
        subprocess.run(
            ["pdftotext", "-layout", str(p), "-"], capture_output=True, check=True, text=True
        ).stdout
    ),
    "odt": _cells,
    "ods": _cells,
    "docx": lambda p: [[c.text for c in row.cells] for row in DocxDocument(str(p)).tables[0].rows],
    "xlsx": lambda p: [
        [c.value for c in row] for row in openpyxl.load_workbook(p).worksheets[0].iter_rows()
    ],
    "csv": lambda p: list(csv.reader(io.StringIO(p.read_bytes().decode("utf-8-sig")))),
    "json": lambda p: json.loads(p.read_text(encoding="utf-8")),
}


def printed(tmp_path: Path, version: str = "112.7") -> dict[str, tuple[bytes, Any]]:
    """Every format of ``version``: its bytes and what a reader parses out of them."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    out: dict[str, tuple[bytes, Any]] = {}
    for fmt in FORMATS:
        path = report(tmp_path, fmt, version)
        out[fmt] = (path.read_bytes(), PARSERS[fmt](path))
    return out


def test_112_7_prints_exactly_as_before_after_114_3_is_imported_and_published(
    tmp_path: Path,
) -> None:
    before = printed(tmp_path / "before")
    assert OLD_PHONE in before["pdf"][1] and NEW_PHONE not in before["pdf"][1]
    import_114_3(table_file(tmp_path))
    publish("--version", "114.3")
    # The agency's current phone is the new one; the old version keeps its own.
    assert Agency.objects.get(slug="keelung-police").phone == NEW_PHONE
    after = printed(tmp_path / "after")
    for fmt in FORMATS:
        assert after[fmt][1] == before[fmt][1], fmt  # what a reader sees
        assert after[fmt][0] == before[fmt][0], fmt  # and byte for byte
    police = next(a for a in after["json"][1]["agencies"] if a["label"] == "警察局")
    assert police["phone"] == OLD_PHONE
    newer = PARSERS["json"](report(tmp_path, "json", "114.3"))
    assert next(a for a in newer["agencies"] if a["label"] == "警察局")["phone"] == NEW_PHONE
    assert NEW_PHONE in PARSERS["pdf"](report(tmp_path, "pdf", "114.3"))


def test_an_import_is_a_draft_until_published(tmp_path: Path, client: Client) -> None:
    import_114_3(table_file(tmp_path))
    table = DivisionTable.objects.get(jurisdiction__slug="keelung", effective_month="2025-03-01")
    assert (table.status, table.published_on) == (TableStatus.DRAFT, None)
    directory = get_directory("keelung")
    assert directory is not None and directory.version == "112.7"
    page = client.get("/directory/keelung/agencies/keelung-police/").content.decode()
    assert OLD_PHONE in page and NEW_PHONE not in page
    api = client.get("/api/v1/directory/keelung/search", {"q": "家暴"})
    assert api.status_code == 200  # the API reads the same snapshot as the pages
    phones = {item["phone"] for item in api.json()["results"] if item["agency"] == "警察局"}
    assert phones == {OLD_PHONE}

    assert publish("--version", "114.3") == (
        f"基隆市 分工表 114.3 版自 {format_today()} 起公開。\n"
    )
    table.refresh_from_db()
    assert table.status == TableStatus.PUBLISHED
    assert table.published_on == timezone.localdate()
    directory = get_directory("keelung")
    assert directory is not None and directory.version == "114.3"
    page = client.get("/directory/keelung/agencies/keelung-police/").content.decode()
    assert NEW_PHONE in page and OLD_PHONE not in page
    entry = AuditEntry.objects.filter(action="publish").order_by("-pk").first()
    assert entry is not None and entry.after == {
        "status": "published",
        "published_on": str(timezone.localdate()),
    }


def format_today() -> str:
    from guankao.tw import format_roc_date

    return format_roc_date(timezone.localdate())


def test_published_on_a_chosen_day_it_appears_that_day(
    tmp_path: Path, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_114_3(table_file(tmp_path))
    today = timezone.localdate()
    later = today + datetime.timedelta(days=30)
    from guankao.tw import format_roc_date

    publish("--version", "114.3", "--on", format_roc_date(later, "slash"))
    directory = get_directory("keelung")
    assert directory is not None and directory.version == "112.7"
    assert (
        NEW_PHONE not in client.get("/directory/keelung/agencies/keelung-police/").content.decode()
    )
    # The day before, still 112.7; on the day (Asia/Taipei), 114.3, without any write between.
    for day, version in ((later - datetime.timedelta(days=1), "112.7"), (later, "114.3")):
        monkeypatch.setattr(timezone, "localdate", lambda *a, _d=day, **k: _d)
        directory = get_directory("keelung")
        assert directory is not None and directory.version == version
    page = client.get("/directory/keelung/agencies/keelung-police/").content.decode()
    assert NEW_PHONE in page


def test_contacts_are_filled_for_existing_versions_and_copied_with_a_version() -> None:
    table = DivisionTable.objects.get(jurisdiction__slug="keelung", effective_month="2023-07-01")
    assert table.status == TableStatus.PUBLISHED and table.published_on == table.effective_month
    police = AgencyContact.objects.get(table=table, agency__slug="keelung-police")
    assert (police.label, police.phone, police.phone_e164) == ("警察局", OLD_PHONE, "+886224252787")
    news = AgencyContact.objects.get(table=table, label="觀銷處新聞科")
    assert (news.parent_name, news.name) == ("觀銷處", "新聞科")
    # Every agency the version's tasks name has a contact; walk-in centres, which the table
    # does not print, have theirs besides (decision 0078).
    named = set(table.tasks.values_list("agency_id", flat=True)) | set(
        table.tasks.values_list("co_leads", flat=True).exclude(co_leads=None)
    )
    assert (
        set(
            AgencyContact.objects.filter(table=table, walk_in=False).values_list(
                "agency_id", flat=True
            )
        )
        == named
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--jurisdiction", "nowhere", "--version", "114.3"], "沒有代碼為「nowhere」的縣市。"),
        (["--jurisdiction", "keelung", "--version", "114.9"], "基隆市 沒有 114.9 版分工表。"),
        (
            ["--jurisdiction", "keelung", "--version", "明年"],
            "版本「明年」須為民國年.月，例如 114.3。",
        ),
        (
            ["--jurisdiction", "keelung", "--version", "114.3", "--on", "114/13/40"],
            "「114/13/40」不是日期；請寫民國年/月/日，例如 114/04/01。",
        ),
        (
            ["--jurisdiction", "keelung", "--version", "114.3", "--on", "100/01/01"],
            "公開日期 100年1月1日 已過；請選今天或之後的日期。",
        ),
        (["--jurisdiction", "keelung", "--version", "112.7"], "112.7 版已於 112年7月1日 公開。"),
    ],
)
def test_publish_refusals_are_one_line_and_exit_2(
    tmp_path: Path, args: list[str], message: str
) -> None:
    import_114_3(table_file(tmp_path))
    entries = AuditEntry.objects.count()
    with pytest.raises(CommandError) as raised:
        call_command("division", "publish", *args, stdout=StringIO())
    assert raised.value.returncode == 2
    assert str(raised.value) == message and "\n" not in str(raised.value)
    assert AuditEntry.objects.count() == entries
    draft = DivisionTable.objects.get(jurisdiction__slug="keelung", effective_month="2025-03-01")
    assert draft.is_draft
