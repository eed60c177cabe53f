"""Division tables in the layouts staff have, read field by field and saved into the database.

Every file is built here with the library that programs like Excel, Word and LibreOffice use,
with the mess those tables carry: merged cells, blank cells below an agency, several tasks in
one cell, phones written three ways and in full-width digits, wrapped lines, Big5.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from guankao.core.models import Agency, AgencyKind, AuditEntry
from guankao.divisions.models import DivisionTable, ServiceArea, Task
from guankao.imports.services import division_import, division_target
from guankao.tw import YearMonth

from . import builders

pytestmark = pytest.mark.django_db

TITLE = "基隆市新住民照顧服務業務分工一覽表"
SHARED = "整合相關服務資源，加強受暴新住民之保護扶助措施。"

# What the messy table below says, written out by hand: (agency, number) →
# (area, text, numbered, co-leads).
EXPECTED_TASKS = {
    ("民政處", 1): ("生活適應輔導", "辦理新住民生活適應輔導班及活動。", True, set()),
    ("民政處", 2): ("生活適應輔導", "提供生活適應及法律諮詢服務。", True, set()),
    ("民政處", 3): ("生活適應輔導", "戶政、國籍法令諮詢暨戶籍登記。", True, set()),
    ("民政處", 5): (
        "健全法令制度",
        "定期召開委員會，檢討新住民照顧服務措施辦理情形。",
        True,
        set(),
    ),
    ("衛生局", 1): ("生活適應輔導", "通譯人才培訓及提供醫療生育諮詢及服務。", True, set()),
    ("衛生局", 2): ("醫療生育保健", "輔導新住民加入全民健康保險。", True, set()),
    ("社會處", 1): ("人身安全保護", SHARED, True, {"警察局"}),
    ("警察局", 1): ("人身安全保護", SHARED, True, {"社會處"}),
    ("文化局", 1): ("落實觀念宣導", "加強宣導國人尊重、理解不同文化族群。", False, set()),
    ("基隆市稅務局", 1): ("地方稅節稅宣導", "提供地方稅節稅教育宣導。", True, set()),
    ("基隆市稅務局", 2): ("地方稅節稅宣導", "提供新住民地方稅節稅諮詢服務。", True, set()),
    ("產業發展處", 1): ("新住民創業輔導", "辦理新住民創業講座。", True, set()),
}
# label → (phone as written, E.164, extension) after the import
EXPECTED_PHONES = {
    "民政處": ("2420-1122#1632", "+886224201122", "1632"),
    "衛生局": ("2423-0181#1629", "+886224230181", "1629"),  # the same number, written otherwise
    "社會處": ("2432-0495", "+886224320495", ""),  # the same number in full-width digits
    "警察局": ("(02)2425-2787 分機100", "+886224252787", "100"),  # a new extension
    "文化局": ("2422-4170#327", "+886224224170", "327"),
    "基隆市稅務局": ("24331888#115", "+886224331888", "115"),
    "產業發展處": ("", "", ""),  # "2420-11" cannot be read: a warning, no phone
}

# One layout: title and version rows, a spaced-out heading, phones inside the agency cells.
MESSY_ROWS: list[list[str | int | float | None]] = [
    [TITLE, None, None],
    ["112.7 更新", None, None],
    ["項 目", "業 務 內 容", "主辦單位"],
    [
        "生活適應輔導",
        "1.辦理新住民生活適應輔導班及活動。\n2.提供生活適應及法律諮詢服務。",
        "民政處\n2420-1122#1632",
    ],
    [None, "3.戶政、國籍法令諮詢暨戶籍登記。", None],
    ["健全法令制度", "5.定期召開委員會，檢討新住民照顧服務措施辦理情形。", None],
    ["生活適應輔導", "1.通譯人才培訓及提供醫療生育諮詢及服務。", "衛生局 (02)2423-0181 分機1629"],
    ["醫療生育保健", "2.輔導新住民加入全\n民健康保險。", None],
    ["人身安全保護", f"1.{SHARED}", "社會處\n２４３２－０４９５"],
    ["人身安全保護", f"1.{SHARED}", "警察局\n(02)2425-2787 分機100"],
    ["落實觀念宣導", "加強宣導國人尊重、理解\n不同文化族群。", "文化局\n2422-4170#327"],
    [
        "地方稅節稅宣導",
        "1.提供地方稅節稅教育宣導。2.提供新住民地方稅節稅諮詢服務。",
        "基隆市稅務局\n24331888#115",
    ],
    ["新住民創業輔導", "1.辦理新住民創業講座。", "產業發展處\n電話：2420-11"],
]
MESSY_MERGES = ("A1:C1", "A4:A5", "C4:C6", "C7:C8")


def check_saved(version: YearMonth) -> DivisionTable:
    """Compare every field of the saved table with the expected values above."""
    table = DivisionTable.objects.get(
        jurisdiction__slug="keelung", effective_month=DivisionTable.month_of(version)
    )
    assert table.title == TITLE
    tasks = Task.objects.filter(table=table).with_related().in_table_order()
    got = {
        (t.agency.label, t.number): (
            t.area.name,
            t.text,
            t.numbered,
            {a.label for a in t.co_leads.all()},
        )
        for t in tasks
    }
    assert got == EXPECTED_TASKS
    assert [t.position for t in tasks] == list(range(1, len(EXPECTED_TASKS) + 1))
    for label, (phone, e164, extension) in EXPECTED_PHONES.items():
        agency = Agency.objects.get(jurisdiction__slug="keelung", label=label)
        assert (agency.phone, agency.phone_e164, agency.phone_extension) == (
            phone,
            e164,
            extension,
        ), label
    return table


def test_xlsx_with_merged_cells_reads_every_field(tmp_path: Path) -> None:
    path = builders.xlsx(tmp_path / "分工表.xlsx", MESSY_ROWS, MESSY_MERGES)
    target = division_target(jurisdiction="keelung", version="114.3")
    preview = division_import(path=path, filename=path.name, target=target, actor=None)
    assert not preview.saved
    assert not DivisionTable.objects.filter(effective_month__year=2025).exists()
    messages = [(i.level.value, i.where, i.message) for i in preview.issues]
    assert messages == [
        (
            "warning",
            "分工表!C13",
            "無法辨識電話「2420-11」，不會更新「產業發展處」的電話。",
        ),
    ]
    # Areas and agencies the database does not know are reported among the changes.
    changes = [str(c) for c in preview.changes]
    assert "新增 服務項目「新住民創業輔導」" in changes
    assert "新增 機關「產業發展處」" in changes
    assert [c for c in changes if c.startswith("修改 機關")] == [
        "修改 機關「警察局」（電話（原寫法）：2425-2787 → (02)2425-2787 分機100；"
        "分機：（空白） → 100）"
    ]

    saved = division_import(path=path, filename=path.name, target=target, actor=None, save=True)
    assert saved.saved
    check_saved(YearMonth(2025, 3))
    new_agency = Agency.objects.get(label="產業發展處")
    assert new_agency.kind == AgencyKind.OTHER
    assert new_agency.slug.startswith("keelung-") and len(new_agency.slug) == len("keelung-") + 8
    area = ServiceArea.objects.get(name="新住民創業輔導")
    assert not area.is_national and area.slug.startswith("local-")


def test_preview_rows_show_what_was_read_and_where(tmp_path: Path) -> None:
    path = builders.xlsx(tmp_path / "分工表.xlsx", MESSY_ROWS, MESSY_MERGES)
    target = division_target(jurisdiction="keelung", version="114.3")
    preview = division_import(path=path, filename=path.name, target=target, actor=None)
    rows = [row.values for row in preview.rows]
    assert rows[0] == (
        "分工表!B4",
        "生活適應輔導",
        "民政處",
        "2420-1122#1632",
        "1",
        "辦理新住民生活適應輔導班及活動。",
        "",
    )
    assert rows[8] == (
        "分工表!B11",
        "落實觀念宣導",
        "文化局",
        "2422-4170#327",
        "1（原表未編號）",
        "加強宣導國人尊重、理解不同文化族群。",
        "",
    )
    assert rows[6][2] == "社會處" and rows[6][6] == "警察局"
    flagged = [row for row in preview.rows if row.issues]
    assert [row.row for row in flagged] == ["分工表 第13列"]
    assert preview.rows_read == 10


def test_reimporting_the_same_file_changes_nothing(tmp_path: Path) -> None:
    path = builders.xlsx(tmp_path / "分工表.xlsx", MESSY_ROWS, MESSY_MERGES)
    target = division_target(jurisdiction="keelung", version="114.3")
    division_import(path=path, filename=path.name, target=target, actor=None, save=True)
    audit = AuditEntry.objects.count()
    again = division_import(path=path, filename=path.name, target=target, actor=None)
    assert again.changes == ()
    division_import(path=path, filename=path.name, target=target, actor=None, save=True)
    assert AuditEntry.objects.count() == audit


def test_a_corrected_file_shows_the_differences(tmp_path: Path) -> None:
    path = builders.xlsx(tmp_path / "分工表.xlsx", MESSY_ROWS, MESSY_MERGES)
    target = division_target(jurisdiction="keelung", version="114.3")
    division_import(path=path, filename=path.name, target=target, actor=None, save=True)
    corrected = [list(row) for row in MESSY_ROWS[:-1]]  # the last task is dropped
    corrected[4][1] = "3.戶政、國籍法令諮詢及戶籍登記。"
    fixed = builders.xlsx(tmp_path / "修正.xlsx", corrected, MESSY_MERGES)
    preview = division_import(path=fixed, filename=fixed.name, target=target, actor=None)
    changes = [str(c) for c in preview.changes]
    assert changes[:2] + changes[-1:] == [
        # The dropped agency is no longer printed by the version (decision 0064).
        "刪除 機關聯絡資料（版本）「產業發展處（—）」",
        "修改 業務內容「民政處 3. 戶政、國籍法令諮詢及戶籍登記。」"
        "（業務內容：戶政、國籍法令諮詢暨戶籍登記。 → 戶政、國籍法令諮詢及戶籍登記。）",
        "刪除 業務內容「產業發展處 1. 辦理新住民創業講座。」",
    ]
    # The changed text keeps its translations, outdated (decision 0065): one per language.
    assert len(changes) == 3 + 10
    assert all(c.startswith("譯文標為過時 內容翻譯「[") for c in changes[2:-1])
    assert preview.outdated_translations == 10


def test_big5_csv_with_blank_cells_and_a_phone_column(tmp_path: Path) -> None:
    rows = [
        ["項目", "業務內容", "主辦單位", "聯絡電話"],
        ["生活適應輔導", "1.辦理新住民生活適應輔導班及活動。", "民政處", "2420-1122#1632"],
        ["", "2.提供生活適應及法律諮詢服務。", "", ""],
        ["人身安全保護", "1.落實家庭暴力通報制度。", "警察局", "2425-2787#11"],
    ]
    path = builders.csv_file(tmp_path / "分工表.csv", rows, "cp950")
    assert path.read_bytes().decode("cp950") and not _is_utf8(path.read_bytes())
    target = division_target(jurisdiction="keelung", version="114.3")
    division_import(path=path, filename=path.name, target=target, actor=None, save=True)
    tasks = Task.objects.filter(table__effective_month__year=2025).with_related()
    assert {(t.agency.label, t.number, t.area.name, t.text) for t in tasks} == {
        ("民政處", 1, "生活適應輔導", "辦理新住民生活適應輔導班及活動。"),
        ("民政處", 2, "生活適應輔導", "提供生活適應及法律諮詢服務。"),
        ("警察局", 1, "人身安全保護", "落實家庭暴力通報制度。"),
    }
    police = Agency.objects.get(label="警察局")
    assert (police.phone, police.phone_e164, police.phone_extension) == (
        "2425-2787#11",
        "+886224252787",
        "11",
    )


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8"])
def test_utf8_csv_with_or_without_bom(tmp_path: Path, encoding: str) -> None:
    rows = [
        ["項目", "業務內容", "主辦單位"],
        ["定居歸化國籍", "1.提供大陸配偶在台團聚等法令諮詢。", "移民署基隆市服務站\n2427-6374#204"],
    ]
    path = builders.csv_file(tmp_path / "table.csv", rows, encoding)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
    target = division_target(jurisdiction="keelung", version="114.3")
    preview = division_import(path=path, filename=path.name, target=target, actor=None)
    assert [r.values[1:] for r in preview.rows] == [
        (
            "定居歸化國籍",
            "移民署基隆市服務站",
            "2427-6374#204",
            "1",
            "提供大陸配偶在台團聚等法令諮詢。",
            "",
        )
    ]
    assert preview.changes[0].object_type == "分工表"


def test_docx_with_merged_cells_and_line_breaks(tmp_path: Path) -> None:
    rows = [
        [TITLE, "", ""],
        ["項目", "業務內容", "主辦單位"],
        [
            "生活適應輔導",
            "1.辦理新住民生活適應輔導\n班及活動。\n\n2.提供生活適應及法律諮詢服務。",
            "民政處\n\n2420-1122#1632",
        ],
        ["", "3.戶政、國籍法令諮詢暨戶籍登記。", ""],
        ["健全法令\n制度", "5.定期召開委員會，檢討新住民照顧服務措施\n辦理情形。", ""],
    ]
    path = builders.docx(
        tmp_path / "分工表.docx",
        rows,
        merges=((0, 0, 0, 2), (2, 0, 3, 0), (2, 2, 4, 2)),
        intro="附件一",
    )
    target = division_target(jurisdiction="keelung", version="114.3")
    preview = division_import(path=path, filename=path.name, target=target, actor=None)
    assert [r.values for r in preview.rows] == [
        ("表格1 第3列第2欄", "生活適應輔導", "民政處", "2420-1122#1632", "1",
         "辦理新住民生活適應輔導班及活動。", ""),
        ("表格1 第3列第2欄", "生活適應輔導", "民政處", "2420-1122#1632", "2",
         "提供生活適應及法律諮詢服務。", ""),
        ("表格1 第4列第2欄", "生活適應輔導", "民政處", "2420-1122#1632", "3",
         "戶政、國籍法令諮詢暨戶籍登記。", ""),
        ("表格1 第5列第2欄", "健全法令制度", "民政處", "2420-1122#1632", "5",
         "定期召開委員會，檢討新住民照顧服務措施辦理情形。", ""),
    ]  # fmt: skip
    assert preview.issues == ()
    division_import(path=path, filename=path.name, target=target, actor=None, save=True)
    assert Task.objects.filter(table__effective_month__year=2025).count() == 4


def test_odt_table_with_spanned_cells(tmp_path: Path) -> None:
    rows: builders.Rows = [
        ["項目", "業務內容", "主辦單位"],
        ["協助子女教養", "8.提供早期療育服務。", "社會處\n2432-0495"],
        [None, "9.提供新住民兒少高關懷學生之協處。", None],
        ["協助子女教養", "12.提供新住民兒少高關懷學生之協處。", "教育處\n2430-1505#310"],
    ]
    path = builders.odf(tmp_path / "分工表.odt", rows, spans=("A2:A3", "C2:C3"), kind="text")
    target = division_target(jurisdiction="keelung", version="114.3")
    division_import(path=path, filename=path.name, target=target, actor=None, save=True)
    tasks = Task.objects.filter(table__effective_month__year=2025).with_related()
    got = {
        (t.agency.label, t.number): (t.area.name, t.text, {a.label for a in t.co_leads.all()})
        for t in tasks
    }
    assert got == {
        ("社會處", 8): ("協助子女教養", "提供早期療育服務。", set()),
        ("社會處", 9): ("協助子女教養", "提供新住民兒少高關懷學生之協處。", {"教育處"}),
        ("教育處", 12): ("協助子女教養", "提供新住民兒少高關懷學生之協處。", {"社會處"}),
    }


def test_ods_with_spans_and_a_co_lead_column(tmp_path: Path) -> None:
    rows: builders.Rows = [
        ["項目", "業務內容", "主辦單位", "電話", "共同主辦單位"],
        ["人身安全保護", "3.落實家庭暴力通報制度。", "警察局", "2425-2787", "社會處"],
        [None, "4.辦理婦幼安全宣導。", None, None, None],
    ]
    path = builders.odf(tmp_path / "分工表.ods", rows, spans=("A2:A3", "C2:C3", "D2:D3"))
    target = division_target(jurisdiction="keelung", version="114.3")
    division_import(path=path, filename=path.name, target=target, actor=None, save=True)
    tasks = Task.objects.filter(table__effective_month__year=2025).with_related()
    assert {(t.number, t.text, tuple(a.label for a in t.co_leads.all())) for t in tasks} == {
        (3, "落實家庭暴力通報制度。", ("社會處",)),
        (4, "辦理婦幼安全宣導。", ()),
    }


def test_a_new_jurisdiction_gets_its_name_and_area_code_from_the_file(tmp_path: Path) -> None:
    rows = [
        ["項目", "業務內容", "主辦單位"],
        ["生活適應輔導", "1.辦理新住民生活適應輔導班。", "民政處\n(03)532-5101#2561"],
        ["人身安全保護", "1.落實家庭暴力通報制度。", "警察局\n522-4168"],
    ]
    path = builders.csv_file(tmp_path / "hsinchu.csv", rows, "utf-8-sig")
    target = division_target(jurisdiction="hsinchu-city", version="114.3", name="新竹縣市")
    division_import(path=path, filename=path.name, target=target, actor=None, save=True)
    police = Agency.objects.get(jurisdiction__slug="hsinchu-city", label="警察局")
    assert police.jurisdiction.name == "新竹縣市"
    assert police.jurisdiction.area_code == "03"
    assert police.phone_e164 == "+88635224168"


def test_errors_stop_the_save_and_nothing_is_written(
    tmp_path: Path, counts: Callable[[], dict[str, int]]
) -> None:
    rows: list[list[str | int | float | None]] = [
        ["項目", "業務內容", "主辦單位"],
        ["生活適應輔導", "1.辦理A。\n2.辦理B。", "民政處"],
        ["生活適應輔導", "2.辦理C。", None],
    ]
    path = builders.xlsx(tmp_path / "dup.xlsx", rows)
    target = division_target(jurisdiction="keelung", version="114.3")
    before = counts()
    preview = division_import(path=path, filename=path.name, target=target, actor=None, save=True)
    assert not preview.saved
    assert [(i.where, i.message) for i in preview.errors] == [
        ("分工表!B3", "「民政處」的第 2 項重複（另見 分工表!B2）。")
    ]
    assert counts() == before


def test_a_task_before_any_agency_is_an_error(tmp_path: Path) -> None:
    rows: list[list[str | int | float | None]] = [
        ["項目", "業務內容", "主辦單位"],
        ["生活適應輔導", "1.辦理A。", None],
    ]
    path = builders.xlsx(tmp_path / "noagency.xlsx", rows)
    target = division_target(jurisdiction="keelung", version="114.3")
    preview = division_import(path=path, filename=path.name, target=target, actor=None)
    assert [i.message for i in preview.errors] == ["這一列有業務內容，但沒有主辦單位。"]
    assert preview.changes == ()
